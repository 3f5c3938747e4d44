// What reading a file costs through read(2) against mapping it and touching every cache line: the
// figure behind RESULTS.md's "mmap for a regular file on stdin" (tried, not built).
// Build and run: gcc -O2 -o /tmp/read_vs_mmap Benchmarks/read_vs_mmap.c && /tmp/read_vs_mmap FILE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: read_vs_mmap FILE\n"); return 64; }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) { perror(argv[1]); return 66; }
    size_t n = (size_t)st.st_size;
    unsigned long sum = 0;
    // read(2) in 4 MiB pieces, as maskd's reader does, touching each cache line of what it read.
    double t0 = now();
    char *buffer = malloc(4 << 20);
    ssize_t r;
    while ((r = read(fd, buffer, 4 << 20)) > 0)
        for (ssize_t i = 0; i < r; i += 64) sum += (unsigned char)buffer[i];
    double t1 = now();
    // The same bytes mapped, every cache line touched once.
    const unsigned char *m = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) { perror("mmap"); return 70; }
    madvise((void *)m, n, MADV_SEQUENTIAL);
    for (size_t i = 0; i < n; i += 64) sum += m[i];
    double t2 = now();
    printf("read %.1f ms, mmap and touch %.1f ms (checksum %lu)\n", (t1 - t0) * 1e3, (t2 - t1) * 1e3, sum);
    return 0;
}
