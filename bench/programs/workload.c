/* A CPU-bound mix for the interpreter bench: integer ALU, branches, loads/stores, calls and
 * multiplication, like the inner loops of a kernel or busybox. Deterministic; main checks the
 * result so the work cannot be optimised away or silently broken. */
#include <stdint.h>

#define N 4096
static uint32_t data[N];

static uint32_t crc32(const uint8_t *p, unsigned len) {
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned i = 0; i < len; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
  }
  return ~c;
}

static void shell_sort(uint32_t *a, unsigned n) {
  for (unsigned gap = n / 2; gap > 0; gap /= 2)
    for (unsigned i = gap; i < n; i++) {
      uint32_t t = a[i];
      unsigned j = i;
      for (; j >= gap && a[j - gap] > t; j -= gap) a[j] = a[j - gap];
      a[j] = t;
    }
}

static uint64_t matmul_trace(unsigned n) {
  static uint64_t A[24][24], B[24][24];
  uint64_t tr = 0;
  for (unsigned i = 0; i < n; i++)
    for (unsigned j = 0; j < n; j++) { A[i][j] = i * 3 + j; B[i][j] = i ^ j; }
  for (unsigned i = 0; i < n; i++)
    for (unsigned j = 0; j < n; j++) {
      uint64_t s = 0;
      for (unsigned k = 0; k < n; k++) s += A[i][k] * B[k][j];
      if (i == j) tr += s;
    }
  return tr;
}

int main(void) {
  uint32_t x = 12345, acc = 0;
  for (int round = 0; round < ROUNDS; round++) {
    for (unsigned i = 0; i < N; i++) { x = x * 1103515245u + 12345u; data[i] = x >> 7; }
    shell_sort(data, N);
    for (unsigned i = 1; i < N; i++) if (data[i - 1] > data[i]) return 2;
    acc += crc32((const uint8_t *)data, sizeof data);
    acc += (uint32_t)matmul_trace(24);
  }
  return acc == EXPECTED || EXPECTED == 0 ? 0 : 3;
}
