/* A small bytecode interpreter (switch dispatch) running a loop-heavy program. */
#include <stdio.h>

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, JLT, JMP, HALT };

static long run(const int *code, long *mem) {
  long stack[64];
  int sp = 0, pc = 0;
  for (;;) {
    int op = code[pc++];
    switch (op) {
    case PUSH: stack[sp++] = code[pc++]; break;
    case LOAD: stack[sp++] = mem[code[pc++]]; break;
    case STORE: mem[code[pc++]] = stack[--sp]; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
    case JLT: sp -= 2; if (stack[sp] < stack[sp + 1]) pc = code[pc]; else pc++; break;
    case JMP: pc = code[pc]; break;
    case HALT: return mem[0];
    }
  }
}

int main(void) {
  /* acc = 0; for (i = 0; i < 3000000; i++) acc = (acc * 31 + i) % 1000000007; */
  const int code[] = {PUSH, 0, STORE, 0, PUSH, 0, STORE, 1,
                      /* 8: */ LOAD, 0, PUSH, 31, MUL, LOAD, 1, ADD, PUSH, 1000000007, MOD, STORE, 0,
                      LOAD, 1, PUSH, 1, ADD, STORE, 1, LOAD, 1, PUSH, 3000000, JLT, 8, HALT};
  long mem[2];
  printf("%ld\n", run(code, mem));
  return 0;
}
