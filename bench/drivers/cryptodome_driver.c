/* Drives ciphers and hashes of pycryptodome's C sources (its sdist's src/): AES-128 and AES-256
   over a generated buffer (encrypted twice, then decrypted back), SHA-256 and SHA3-256 (Keccak) of
   it, ChaCha20 encryption and a Poly1305 tag of the ciphertext; prints digests and tags. The
   library's functions are declared here, as its Python wrappers declare them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct _BlockBase {
  int (*encrypt)(const struct _BlockBase *state, const uint8_t *in, uint8_t *out, size_t len);
  int (*decrypt)(const struct _BlockBase *state, const uint8_t *in, uint8_t *out, size_t len);
  int (*destructor)(struct _BlockBase *state);
  size_t block_len;
} BlockBase;

int AES_start_operation(const uint8_t key[], size_t key_len, BlockBase **state);
int AES_stop_operation(BlockBase *state);
int SHA256_init(void **state);
int SHA256_update(void *state, const uint8_t *buf, size_t len);
int SHA256_digest(const void *state, uint8_t *digest, size_t digest_size);
int SHA256_destroy(void *state);
int keccak_init(void **state, size_t capacity_bytes, uint8_t rounds);
int keccak_absorb(void *state, const uint8_t *in, size_t len);
int keccak_squeeze(void *state, uint8_t *out, size_t len, uint8_t padding);
int keccak_destroy(void *state);
int chacha20_init(void **state, const uint8_t *key, size_t key_len, const uint8_t *nonce,
                  size_t nonce_len);
int chacha20_encrypt(void *state, const uint8_t *in, uint8_t *out, size_t len);
int chacha20_destroy(void *state);
int poly1305_init(void **state, const uint8_t r[16], size_t r_len, const uint8_t s[16], size_t s_len);
int poly1305_update(void *state, const uint8_t *in, size_t len);
int poly1305_digest(const void *state, uint8_t digest[16], size_t len);
int poly1305_destroy(void *state);

static void hex(const char *what, const uint8_t *p, size_t n) {
  printf("%s ", what);
  for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
  printf("\n");
}

static int check(int err, const char *what) {
  if (err) printf("%s failed: %d\n", what, err);
  return err;
}

int main(void) {
  enum { N = 1 << 18 };
  uint8_t *buf = malloc(N), *ct = malloc(N), *back = malloc(N), key[32], nonce[12], out[32];
  unsigned x = 123456789u;
  for (size_t i = 0; i < N; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    buf[i] = (uint8_t)(x >> 11);
  }
  for (int i = 0; i < 32; i++) key[i] = (uint8_t)(i * 7 + 1);
  for (int i = 0; i < 12; i++) nonce[i] = (uint8_t)(i * 3 + 2);

  for (size_t key_len = 16; key_len <= 32; key_len += 16) {
    BlockBase *aes;
    if (check(AES_start_operation(key, key_len, &aes), "AES_start_operation")) return 1;
    aes->encrypt(aes, buf, ct, N);
    aes->encrypt(aes, ct, ct, N);
    aes->decrypt(aes, ct, back, N);
    aes->decrypt(aes, back, back, N);
    if (memcmp(buf, back, N)) { printf("AES round trip failed\n"); return 1; }
    printf("AES-%zu ", key_len * 8);
    hex("tail", ct + N - 16, 16);
    AES_stop_operation(aes);
  }
  void *sha;
  if (check(SHA256_init(&sha), "SHA256_init")) return 1;
  for (int r = 0; r < 2; r++) SHA256_update(sha, buf, N);
  SHA256_digest(sha, out, 32);
  SHA256_destroy(sha);
  hex("SHA-256", out, 32);

  void *k;
  if (check(keccak_init(&k, 64, 24), "keccak_init")) return 1;  /* SHA3-256: capacity 512 bits */
  keccak_absorb(k, buf, N);
  keccak_squeeze(k, out, 32, 0x06);
  keccak_destroy(k);
  hex("SHA3-256", out, 32);

  void *c, *mac;
  if (check(chacha20_init(&c, key, 32, nonce, 12), "chacha20_init")) return 1;
  chacha20_encrypt(c, buf, ct, N);
  chacha20_destroy(c);
  if (check(poly1305_init(&mac, key, 16, key + 16, 16), "poly1305_init")) return 1;
  poly1305_update(mac, ct, N);
  poly1305_digest(mac, out, 16);
  poly1305_destroy(mac);
  hex("ChaCha20-Poly1305 tag", out, 16);
  return 0;
}
