/* Drives libyaml (the C library in the ruamel.yaml.clib sdist): generates a YAML document of
   nested mappings, sequences and quoted and plain scalars, parses it into events, emits the events
   again as YAML, parses that output once more and checks both parses saw the same events. Prints
   event counts, the output's size and its CRC-32. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml.h"
#include "crc32.h"

static unsigned x = 123456789u;
static unsigned next(void) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x; }

static char *doc;
static size_t len, cap;
static void put(const char *s) {
  size_t n = strlen(s);
  if (len + n + 1 > cap && !(doc = realloc(doc, cap = 2 * (len + n + 1)))) exit(1);
  memcpy(doc + len, s, n + 1);
  len += n;
}

static void indent(int depth) { for (int i = 0; i < depth; i++) put("  "); }

static void value(int depth);
static void mapping(int depth) {
  static const char *keys[] = {"name", "range", "weight", "hint", "class", "spill", "uses"};
  int n = 2 + next() % 4;
  for (int i = 0; i < n; i++) {
    char key[32];
    const char *k = keys[next() % (sizeof keys / sizeof *keys)];
    unsigned suffix = next() % 100; /* one call per statement: argument order is unspecified */
    snprintf(key, sizeof key, "%s_%u", k, suffix);
    indent(depth);
    put(key);
    put(":");
    value(depth + 1);
  }
}

static void value(int depth) {
  char buf[64];
  unsigned kind = depth > 4 ? 2 + next() % 3 : next() % 5;
  if (kind == 0) {
    put("\n");
    mapping(depth);
  } else if (kind == 1) {
    put("\n");
    int n = 1 + next() % 4;
    for (int i = 0; i < n; i++) {
      indent(depth);
      put("- ");
      snprintf(buf, sizeof buf, "%u\n", next() % 100000);
      put(buf);
    }
  } else if (kind == 2) {
    snprintf(buf, sizeof buf, " \"quoted \\t %u\"\n", next());
    put(buf);
  } else if (kind == 3) {
    unsigned a = next() % 10, b = next() % 100, c = next() % 1000;
    snprintf(buf, sizeof buf, " [%u, %u, %u]\n", a, b, c);
    put(buf);
  } else {
    unsigned a = next(), b = next();
    snprintf(buf, sizeof buf, " plain-%x %s\n", a, b % 2 ? "yes" : "3.25e-2");
    put(buf);
  }
}

static int write_out(void *data, unsigned char *buffer, size_t size) {
  char **out = data;
  static size_t used;
  if (!(*out = realloc(*out, used + size + 1))) return 0;
  memcpy(*out + used, buffer, size);
  used += size;
  (*out)[used] = 0;
  return 1;
}

/* Parses text; with an emitter, emits every event to it. Returns the number of events (-1 on an
   error) and adds their types to *sum. */
static long parse(const char *text, size_t n, yaml_emitter_t *emitter, unsigned long *sum) {
  yaml_parser_t parser;
  yaml_event_t event;
  long events = 0;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
  for (int done = 0; !done;) {
    if (!yaml_parser_parse(&parser, &event)) {
      printf("parse error: %s at line %zu\n", parser.problem, parser.problem_mark.line);
      return -1;
    }
    done = event.type == YAML_STREAM_END_EVENT;
    *sum = *sum * 31 + event.type + (event.type == YAML_SCALAR_EVENT ? event.data.scalar.length : 0);
    events++;
    if (emitter) {
      if (!yaml_emitter_emit(emitter, &event)) {
        printf("emit error: %s\n", emitter->problem);
        return -1;
      }
    } else {
      yaml_event_delete(&event);
    }
  }
  yaml_parser_delete(&parser);
  return events;
}

int main(void) {
  put("%YAML 1.1\n---\n");
  for (int i = 0; i < 1500; i++) {
    char item[32];
    snprintf(item, sizeof item, "item_%d:\n", i);
    put(item);
    mapping(1);
  }
  char *out = NULL;
  yaml_emitter_t emitter;
  yaml_emitter_initialize(&emitter);
  yaml_emitter_set_output(&emitter, write_out, &out);
  unsigned long first = 0, second = 0;
  long events = parse(doc, len, &emitter, &first);
  yaml_emitter_delete(&emitter);
  if (events < 0 || !out) return 1;
  size_t n = strlen(out);
  long again = parse(out, n, NULL, &second);
  if (again != events || second != first) {
    printf("round trip differs: %ld events, then %ld\n", events, again);
    return 1;
  }
  printf("%zu bytes of YAML, %ld events, emitted %zu bytes, crc32 %08x\n", len, events, n,
         driver_crc32((const unsigned char *)out, n));
  return 0;
}
