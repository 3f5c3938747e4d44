// Load generator for `maskd serve` (docs/protocol.md): a proxy's side of the socket, without a proxy's
// work, so that what is measured is the daemon.
//
//   sidecar-load throughput SOCKET FILE [CUT]        one session streams FILE (backend messages) in CUT-byte
//                                                    S frames, pipelined; prints input MB/s
//   sidecar-load latency SOCKET FILE [ROUNDS] [CUT]  one S frame at a time; prints p50/p99 round trip in µs
//   sidecar-load sessions SOCKET FILE N [PARALLEL]   N sessions open at once (each: Hello, startup, one
//                                                    masked cut), then PARALLEL of them stream FILE at once;
//                                                    prints aggregate MB/s, and holds all N open until stdin closes
//
// Build: gcc -O2 -pthread -o sidecar-load Benchmarks/sidecar-load.c
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const uint8_t *input;
static size_t input_size;
static const char *socket_path;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what) { perror(what); exit(1); }

static void write_all(int fd, const void *p, size_t n) {
    const uint8_t *b = p;
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0) { if (errno == EINTR) continue; die("write"); }
        b += w; n -= (size_t)w;
    }
}

static void read_all(int fd, void *p, size_t n) {
    uint8_t *b = p;
    while (n > 0) {
        ssize_t r = read(fd, b, n);
        if (r < 0) { if (errno == EINTR) continue; die("read"); }
        if (r == 0) { fprintf(stderr, "maskd closed the connection\n"); exit(1); }
        b += r; n -= (size_t)r;
    }
}

static void header(uint8_t *h, uint8_t kind, uint32_t length) {
    h[0] = kind; h[1] = 0; h[2] = 0; h[3] = 0;
    h[4] = length >> 24; h[5] = length >> 16; h[6] = length >> 8; h[7] = length;
}

static void send_frame(int fd, uint8_t kind, const void *payload, uint32_t length) {
    uint8_t h[8];
    header(h, kind, length);
    write_all(fd, h, 8);
    if (length) write_all(fd, payload, length);
}

/// Reads one frame; returns its payload length (payload discarded into a scratch buffer).
static uint32_t read_frame(int fd, uint8_t *kind) {
    static __thread uint8_t *scratch;
    static __thread size_t capacity;
    uint8_t h[8];
    read_all(fd, h, 8);
    uint32_t length = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
    if (length > capacity) { free(scratch); capacity = length; scratch = malloc(capacity); }
    if (length) read_all(fd, scratch, length);
    *kind = h[0];
    if (h[0] == 'E') { fprintf(stderr, "maskd error frame: %.*s\n", (int)length - 2, (char *)scratch + 2); exit(1); }
    return length;
}

/// Connects, says Hello, sends the client's startup and a simple Query (so the result is a query's).
static int open_session(const char *user) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strncpy(a.sun_path, socket_path, sizeof a.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
    uint8_t hello[256];
    size_t n = 0;
    hello[n++] = 0; hello[n++] = 1; hello[n++] = 0; hello[n++] = 0;
    memset(hello + n, 0, 4); n += 4;
    n += (size_t)sprintf((char *)hello + n, "user") + 1;
    n += (size_t)sprintf((char *)hello + n, "%s", user) + 1;
    hello[n++] = 0;
    send_frame(fd, 'H', hello, (uint32_t)n);
    uint8_t startup[64];
    size_t s = 8;
    s += (size_t)sprintf((char *)startup + s, "user") + 1;
    s += (size_t)sprintf((char *)startup + s, "bench") + 1;
    startup[s++] = 0;
    startup[0] = 0; startup[1] = 0; startup[2] = 0; startup[3] = (uint8_t)s;
    startup[4] = 0; startup[5] = 3; startup[6] = 0; startup[7] = 0;
    const char *sql = "SELECT * FROM bench";
    uint8_t query[64];
    uint32_t ql = (uint32_t)strlen(sql) + 1 + 4;
    query[0] = 'Q'; query[1] = 0; query[2] = 0; query[3] = 0; query[4] = (uint8_t)ql;
    memcpy(query + 5, sql, strlen(sql) + 1);
    uint8_t client[128];
    memcpy(client, startup, s);
    memcpy(client + s, query, ql + 1);
    send_frame(fd, 'C', client, (uint32_t)(s + ql + 1));
    uint8_t kind;
    read_frame(fd, &kind);
    if (kind != 'h') { fprintf(stderr, "expected Welcome\n"); exit(1); }
    return fd;
}

struct stream { int fd; size_t cut; size_t frames; };

static void *writer(void *arg) {
    struct stream *s = arg;
    for (size_t off = 0; off < input_size; off += s->cut) {
        size_t n = input_size - off < s->cut ? input_size - off : s->cut;
        send_frame(s->fd, 'S', input + off, (uint32_t)n);
    }
    return NULL;
}

/// Streams the whole input through one session, pipelined; returns seconds.
static double stream_session(int fd, size_t cut) {
    struct stream s = {fd, cut, (input_size + cut - 1) / cut};
    pthread_t t;
    double start = now();
    pthread_create(&t, NULL, writer, &s);
    for (size_t i = 0; i < s.frames; i++) {
        uint8_t kind;
        read_frame(fd, &kind);
        if (kind != 'M') { fprintf(stderr, "expected M\n"); exit(1); }
    }
    double seconds = now() - start;
    pthread_join(t, NULL);
    return seconds;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct parallel { int fd; double seconds; };
static void *parallel_stream(void *arg) {
    struct parallel *p = arg;
    p->seconds = stream_session(p->fd, 65536);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: see the comment at the top of sidecar-load.c\n"); return 64; }
    socket_path = argv[2];
    int in = open(argv[3], O_RDONLY);
    if (in < 0) die(argv[3]);
    struct stat st;
    fstat(in, &st);
    input_size = (size_t)st.st_size;
    input = mmap(NULL, input_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, in, 0);
    if (input == MAP_FAILED) die("mmap");
    if (strcmp(argv[1], "throughput") == 0) {
        size_t cut = argc > 4 ? (size_t)atol(argv[4]) : 65536;
        int fd = open_session("bench");
        double seconds = stream_session(fd, cut);
        printf("throughput: %.1f MB in %.3f s = %.0f MB/s (cut %zu bytes, pipelined)\n", input_size / 1e6, seconds,
               input_size / 1e6 / seconds, cut);
    } else if (strcmp(argv[1], "latency") == 0) {
        int rounds = argc > 4 ? atoi(argv[4]) : 2000;
        size_t cut = argc > 5 ? (size_t)atol(argv[5]) : 65536;
        int fd = open_session("bench");
        double *rtt = calloc((size_t)rounds, sizeof *rtt);
        size_t off = 0;
        for (int i = 0; i < rounds; i++) {
            if (off + cut > input_size) { close(fd); fd = open_session("bench"); off = 0; }
            double start = now();
            send_frame(fd, 'S', input + off, (uint32_t)cut);
            uint8_t kind;
            read_frame(fd, &kind);
            rtt[i] = (now() - start) * 1e6;
            off += cut;
        }
        qsort(rtt, (size_t)rounds, sizeof *rtt, compare);
        printf("latency: %d round trips of %zu-byte cuts: p50 %.0f µs, p99 %.0f µs, max %.0f µs\n", rounds, cut,
               rtt[rounds / 2], rtt[rounds * 99 / 100], rtt[rounds - 1]);
    } else if (strcmp(argv[1], "sessions") == 0) {
        int n = atoi(argv[4]);
        int parallel = argc > 5 ? atoi(argv[5]) : 0;
        int *fds = calloc((size_t)n, sizeof *fds);
        double start = now();
        for (int i = 0; i < n; i++) {
            char user[32];
            snprintf(user, sizeof user, "user%d", i);
            fds[i] = open_session(user);
            size_t cut = input_size < 8192 ? input_size : 8192;
            send_frame(fds[i], 'S', input, (uint32_t)cut);
            uint8_t kind;
            read_frame(fds[i], &kind);
        }
        printf("sessions: %d open, each answered one cut, in %.2f s\n", n, now() - start);
        fflush(stdout);
        if (parallel > 0) {
            pthread_t *t = calloc((size_t)parallel, sizeof *t);
            struct parallel *p = calloc((size_t)parallel, sizeof *p);
            double s0 = now();
            for (int i = 0; i < parallel; i++) {
                p[i].fd = open_session("parallel");
                pthread_create(&t[i], NULL, parallel_stream, &p[i]);
            }
            for (int i = 0; i < parallel; i++) pthread_join(t[i], NULL);
            double seconds = now() - s0;
            printf("parallel: %d sessions streamed %.1f MB each, %.0f MB/s in all\n", parallel, input_size / 1e6,
                   parallel * input_size / 1e6 / seconds);
            fflush(stdout);
        }
        // Hold every session open until told to stop, so the daemon's memory can be read.
        char c;
        while (read(0, &c, 1) > 0) {}
    } else {
        fprintf(stderr, "unknown mode %s\n", argv[1]);
        return 64;
    }
    return 0;
}
