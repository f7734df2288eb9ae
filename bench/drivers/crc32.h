/* CRC-32 (IEEE, bitwise): the drivers print it over their output streams, so that a wrong byte
   anywhere changes what the program prints (named apart from zlib's crc32). */
#ifndef RL4REAL_DRIVER_CRC32_H
#define RL4REAL_DRIVER_CRC32_H
#include <stddef.h>

static unsigned driver_crc32(const unsigned char *p, size_t n) {
  unsigned c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = c >> 1 ^ (0xedb88320u & -(c & 1u));
  }
  return ~c;
}
#endif
