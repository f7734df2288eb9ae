/* Drives cmark-gfm (GitHub's CommonMark parser, C sources from the cmarkgfm sdist): generates a
   Markdown document (headings, paragraphs with emphasis, links and code, nested lists, block
   quotes, fenced code, GFM tables and strike-through), parses it with the GFM extensions, renders
   HTML and CommonMark, and prints their sizes and checksums. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmark-gfm-core-extensions.h"
#include "cmark-gfm-extension_api.h"
#include "cmark-gfm.h"

static unsigned x = 2463534242u;
static unsigned next(void) {
  x ^= x << 13; x ^= x >> 17; x ^= x << 5;
  return x;
}

static const char *words[] = {"register", "allocation", "live", "range", "spill", "greedy",
                              "interference", "graph", "colour", "split", "hint", "policy",
                              "eviction", "queue", "weight", "loop", "block", "copy"};

static size_t text(char *out, int n) {  /* n words with inline markup */
  size_t len = 0;
  for (int i = 0; i < n; i++) {
    const char *w = words[next() % 18];
    switch (next() % 12) {
      case 0: len += sprintf(out + len, "*%s* ", w); break;
      case 1: len += sprintf(out + len, "**%s** ", w); break;
      case 2: len += sprintf(out + len, "`%s()` ", w); break;
      case 3: len += sprintf(out + len, "[%s](https://example.org/%s/%u) ", w, w, next() % 100); break;
      case 4: len += sprintf(out + len, "~~%s~~ ", w); break;
      default: len += sprintf(out + len, "%s ", w);
    }
  }
  out[len++] = '\n';
  return len;
}

int main(void) {
  enum { CAP = 1 << 19 };
  char *doc = malloc(CAP);
  size_t len = 0;
  for (int section = 0; len < CAP - 8192; section++) {
    len += sprintf(doc + len, "%.*s Section %d\n\n", 1 + section % 3, "###", section);
    len += text(doc + len, 40 + next() % 40);
    doc[len++] = '\n';
    switch (section % 4) {
      case 0:
        for (int i = 0; i < 6; i++) {
          len += sprintf(doc + len, "%s- ", i % 3 ? "  " : "");
          len += text(doc + len, 8);
        }
        break;
      case 1:
        len += sprintf(doc + len, "| name | value | note |\n|---|---:|:---:|\n");
        for (int i = 0; i < 8; i++)
          len += sprintf(doc + len, "| %s | %u | *%s* |\n", words[next() % 18], next() % 1000,
                         words[next() % 18]);
        break;
      case 2:
        len += sprintf(doc + len, "```c\nint f(int a) { return a * %u + %u; }\n```\n", next() % 97,
                       next() % 89);
        break;
      default:
        len += sprintf(doc + len, "> ");
        len += text(doc + len, 20);
    }
    doc[len++] = '\n';
  }
  cmark_gfm_core_extensions_ensure_registered();
  unsigned long long sum = 0;
  size_t html_len = 0, md_len = 0;
  for (int round = 0; round < 2; round++) {
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
    const char *exts[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};
    for (int i = 0; i < 5; i++)
      cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(exts[i]));
    cmark_parser_feed(parser, doc, len);
    cmark_node *root = cmark_parser_finish(parser);
    char *html = cmark_render_html(root, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser));
    char *md = cmark_render_commonmark(root, CMARK_OPT_DEFAULT, 72);
    html_len = strlen(html), md_len = strlen(md);
    for (size_t i = 0; i < html_len; i++) sum = sum * 131 + (unsigned char)html[i];
    for (size_t i = 0; i < md_len; i++) sum = sum * 137 + (unsigned char)md[i];
    free(html);
    free(md);
    cmark_node_free(root);
    cmark_parser_free(parser);
  }
  printf("markdown %zu bytes -> html %zu, commonmark %zu, checksum %016llx\n", len, html_len,
         md_len, sum);
  return 0;
}
