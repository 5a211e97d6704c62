/* An example of the public API (include/tether.h): a server-like loop.
 *
 * It reads no network: it serves the requests in the array below, one after
 * the other. Each request is handled inside an owner scope, "request", so
 * every block allocated while it is handled belongs to that owner; after the
 * request the loop asks tether whether any of them are still alive. Pages
 * the server caches are handed over to the owner "cache", which lives for
 * the whole run, and the server's own settings belong to "server".
 *
 * One handler has a bug: handle_upload() never frees the copy it makes of
 * the uploaded body. tether_check_owner() finds it at the end of the request
 * that leaked it, and the report at exit lists it under owner "request".
 *
 *   tether build/bin/tether-server-example
 *
 * Without tether the program builds and runs the same (it links no tether
 * library); every tether_* call then does nothing and returns 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tether.h"

#define NOINLINE __attribute__((noinline))

static const char *const requests[] = {
    "GET /index.html HTTP/1.1\r\nHost: example.org\r\nAccept: text/html\r\n\r\n",
    "GET /about.html HTTP/1.1\r\nHost: example.org\r\n\r\n",
    "GET /index.html HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n",
    "GET /missing.html HTTP/1.1\r\nHost: example.org\r\n\r\n",
    "POST /upload HTTP/1.1\r\nHost: example.org\r\nContent-Length: 11\r\n\r\nhello world",
    "GET /about.html HTTP/1.1\r\nHost: example.org\r\n\r\n",
    "DELETE /index.html HTTP/1.1\r\nHost: example.org\r\n\r\n",
    "GET /index.html HTTP/1.1\r\nHost: example.org\r\n\r\n",
};

static const struct page {
  const char *path, *title;
} pages[] = {{"/index.html", "Welcome"}, {"/about.html", "About us"}};

struct header {
  struct header *next;
  char *name, *value;
};

struct request {
  char *method, *path;
  struct header *headers;
  char *body;
  size_t body_len;
};

struct response {
  int status;
  char *buf;
  size_t len, cap;
};

struct cache_entry {
  struct cache_entry *next;
  char *path, *body;
};

/* The server's settings: allocated once, kept until exit (still reachable). */
static struct server {
  char *name;
  unsigned long uploaded;
} *server;

static struct cache_entry *cache;

static char *copy(const char *s, size_t n) {
  char *p = malloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

/* "METHOD PATH HTTP/1.1\r\n" headers "\r\n" body, into heap structures. */
static NOINLINE struct request *parse_request(const char *text) {
  struct request *req = calloc(1, sizeof *req);
  const char *sp = strchr(text, ' ');
  const char *sp2 = strchr(sp + 1, ' ');
  req->method = copy(text, (size_t)(sp - text));
  req->path = copy(sp + 1, (size_t)(sp2 - sp - 1));
  struct header **tail = &req->headers;
  const char *line = strstr(sp2, "\r\n") + 2;
  while (strncmp(line, "\r\n", 2) != 0) {
    const char *colon = strchr(line, ':');
    const char *end = strstr(line, "\r\n");
    struct header *h = calloc(1, sizeof *h);
    h->name = copy(line, (size_t)(colon - line));
    h->value = strdup(colon + 2);
    h->value[end - colon - 2] = '\0';
    *tail = h;
    tail = &h->next;
    line = end + 2;
  }
  req->body_len = strlen(line + 2);
  req->body = copy(line + 2, req->body_len);
  return req;
}

static void free_request(struct request *req) {
  while (req->headers) {
    struct header *h = req->headers;
    req->headers = h->next;
    free(h->name);
    free(h->value);
    free(h);
  }
  free(req->method);
  free(req->path);
  free(req->body);
  free(req);
}

/* Appends to the response buffer, growing it with realloc (a block realloc
 * moves keeps its owner). */
static void respond(struct response *resp, const char *text) {
  size_t n = strlen(text);
  if (resp->len + n + 1 > resp->cap) {
    resp->cap = (resp->len + n + 1) * 2;
    resp->buf = realloc(resp->buf, resp->cap);
  }
  memcpy(resp->buf + resp->len, text, n + 1);
  resp->len += n;
}

static const char *cache_get(const char *path) {
  for (struct cache_entry *e = cache; e; e = e->next)
    if (strcmp(e->path, path) == 0)
      return e->body;
  return NULL;
}

/* Called while a request is handled, so the entry is allocated as the
 * request's; it outlives the request, so it is handed to the cache. */
static NOINLINE void cache_put(const char *path, const char *body) {
  struct cache_entry *e = malloc(sizeof *e);
  e->path = strdup(path);
  e->body = strdup(body);
  e->next = cache;
  cache = e;
  tether_transfer(e, "cache");
  tether_transfer(e->path, "cache");
  tether_transfer(e->body, "cache");
}

static void cache_free(void) {
  while (cache) {
    struct cache_entry *e = cache;
    cache = e->next;
    free(e->path);
    free(e->body);
    free(e);
  }
}

static NOINLINE void handle_get(const struct request *req, struct response *resp) {
  const char *cached = cache_get(req->path);
  if (cached) {
    resp->status = 200;
    respond(resp, cached);
    return;
  }
  for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
    if (strcmp(pages[i].path, req->path) != 0)
      continue;
    char *body = malloc(128);
    snprintf(body, 128, "<html><title>%s</title><body>%s, from %s</body></html>",
             pages[i].title, pages[i].title, server->name);
    resp->status = 200;
    respond(resp, body);
    cache_put(req->path, body);
    free(body);
    return;
  }
  resp->status = 404;
  respond(resp, "not found");
}

/* POST /upload: a real server would store the body; this one checks it and
 * counts it. The bug: the copy it makes is never freed. */
static NOINLINE void handle_upload(const struct request *req, struct response *resp) {
  char *data = malloc(req->body_len + 1);
  memcpy(data, req->body, req->body_len + 1);
  unsigned sum = 0;
  for (size_t i = 0; i < req->body_len; i++)
    sum = sum * 31 + (unsigned char)data[i];
  server->uploaded += req->body_len;
  char line[64];
  snprintf(line, sizeof line, "stored %zu bytes, checksum %08x", req->body_len, sum);
  resp->status = 201;
  respond(resp, line);
  /* missing: free(data); */
}

static NOINLINE void handle_request(const char *text, int n) {
  struct request *req = parse_request(text);
  struct response resp = {0, NULL, 0, 0};
  if (strcmp(req->method, "GET") == 0)
    handle_get(req, &resp);
  else if (strcmp(req->method, "POST") == 0 && strcmp(req->path, "/upload") == 0)
    handle_upload(req, &resp);
  else {
    resp.status = 405;
    respond(&resp, "method not allowed");
  }
  printf("request %d: %s %s -> %d (%zu bytes)\n", n, req->method, req->path, resp.status,
         resp.len);
  free(resp.buf);
  free_request(req);
}

int main(void) {
  server = calloc(1, sizeof *server);
  server->name = strdup("tether-server-example");
  tether_set_owner(server, "server");
  tether_set_owner(server->name, "server");

  /* Before the first scope: stdout's buffer, which printf allocates on first
   * use, would otherwise belong to the first request. */
  printf("%s: serving %d requests\n", server->name, (int)(sizeof requests / sizeof requests[0]));

  /* tether_check_owner() reports every live block of the owner, also those
   * an earlier check reported: the loop prints a line only when the number
   * grows, that is, at the end of the request that leaked. */
  size_t known = 0;
  int n = (int)(sizeof requests / sizeof requests[0]);
  for (int i = 0; i < n; i++) {
    tether_scope_push("request");
    handle_request(requests[i], i + 1);
    tether_scope_pop();
    size_t alive = tether_check_owner("request");
    if (alive > known)
      printf("request %d: %zu blocks still alive\n", i + 1, alive - known);
    known = alive;
  }

  printf("served %d requests, %lu bytes uploaded\n", n, server->uploaded);
  cache_free();
  return 0;
}
