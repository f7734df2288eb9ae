/* Drives libargon2 (the reference C implementation in the argon2-cffi-bindings sdist): checks
   the Argon2id test vector of RFC 9106 (section 5.3), then hashes a password with Argon2id and
   Argon2d at 8 MiB and three passes and prints the tags in hex. */
#include <stdio.h>
#include <string.h>

#include "argon2.h"

static void hex(const char *what, const unsigned char *tag, size_t n) {
  printf("%s ", what);
  for (size_t i = 0; i < n; i++) printf("%02x", tag[i]);
  printf("\n");
}

int main(void) {
  unsigned char pwd[32], salt[16], secret[8], ad[12], tag[32];
  memset(pwd, 1, sizeof pwd);
  memset(salt, 2, sizeof salt);
  memset(secret, 3, sizeof secret);
  memset(ad, 4, sizeof ad);
  argon2_context ctx = {
      .out = tag, .outlen = sizeof tag, .pwd = pwd, .pwdlen = sizeof pwd,
      .salt = salt, .saltlen = sizeof salt, .secret = secret, .secretlen = sizeof secret,
      .ad = ad, .adlen = sizeof ad, .t_cost = 3, .m_cost = 32, .lanes = 4, .threads = 1,
      .version = ARGON2_VERSION_13, .flags = ARGON2_DEFAULT_FLAGS};
  static const unsigned char rfc[32] = {
      0x0d, 0x64, 0x0d, 0xf5, 0x8d, 0x78, 0x76, 0x6c, 0x08, 0xc0, 0x37, 0xa3, 0x4a, 0x8b, 0x53, 0xc9,
      0xd0, 0x1e, 0xf0, 0x45, 0x2d, 0x75, 0xb6, 0x5e, 0xb5, 0x25, 0x20, 0xe9, 0x6b, 0x01, 0xe6, 0x59};
  if (argon2id_ctx(&ctx) != ARGON2_OK || memcmp(tag, rfc, sizeof tag)) {
    printf("RFC 9106 Argon2id test vector failed\n");
    return 1;
  }
  printf("RFC 9106 Argon2id test vector ok\n");
  const char *password = "correct horse battery staple";
  const char *s = "rl4real-salt-16b";
  if (argon2id_hash_raw(3, 1 << 13, 1, password, strlen(password), s, 16, tag, sizeof tag) != ARGON2_OK)
    return 1;
  hex("argon2id", tag, sizeof tag);
  if (argon2d_hash_raw(3, 1 << 13, 1, password, strlen(password), s, 16, tag, sizeof tag) != ARGON2_OK)
    return 1;
  hex("argon2d", tag, sizeof tag);
  return 0;
}
