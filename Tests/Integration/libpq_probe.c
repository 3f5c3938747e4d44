/*
 * libpq_probe: drives maskd proxy with the libpq paths psql does not use, for proxy-e2e.sh.
 *
 *   libpq_probe CONNINFO
 *
 * 1. PQprepare + PQexecPrepared with BINARY results (resultFormat = 1) of
 *    `select id, email, ssn, ssn_num, card, notes from t order by id`;
 * 2. a different simple query (`select now(), 1.5::float8, true`);
 * 3. the same prepared statement again (PQexecPrepared, binary): must be masked like the first;
 * 4. pipeline mode: two PQsendQueryPrepared of different statements with different result
 *    formats (binary, text), then PQpipelineSync.
 *
 * Every value is printed as hex, and also rendered: text-like values as their bytes (non-printable
 * bytes as '.'), int4/int8 decoded (ntohl of the halves) to decimal, numeric decoded from its binary
 * form (base-10000 digits) to decimal. Sections start with "== NAME" lines so that the script can
 * compare them. Exit status 0 when every step succeeded, 1 otherwise (the libpq error on stderr).
 *
 * Build: gcc -o libpq_probe libpq_probe.c -I$(pg_config --includedir) -lpq
 */
#include <arpa/inet.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INT4OID 23
#define INT8OID 20
#define NUMERICOID 1700

static const char *probe_sql = "select id, email, ssn, ssn_num, card, notes from t order by id";
static const char *pipe_sql = "select id, email, emails, doc from t where id <= 50 order by id";

static int64_t be_int64(const unsigned char *p)
{
    uint32_t hi, lo;
    memcpy(&hi, p, 4);
    memcpy(&lo, p + 4, 4);
    return (int64_t)(((uint64_t)ntohl(hi) << 32) | (uint64_t)ntohl(lo));
}

static int16_t be_int16(const unsigned char *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return (int16_t)ntohs(v);
}

/* Binary numeric: int16 ndigits, int16 weight, int16 sign, int16 dscale, int16 digits[ndigits]
 * (base 10000, the first one is worth 10000^weight). Integers only are expanded exactly; a scale
 * is printed after a '.'. */
static void print_numeric(const unsigned char *p, int len)
{
    if (len < 8) { printf("<short numeric>"); return; }
    int nd = be_int16(p), weight = be_int16(p + 2), sign = (uint16_t)be_int16(p + 4), dscale = be_int16(p + 6);
    if (len != 8 + 2 * nd) { printf("<bad numeric>"); return; }
    if (sign == 0xC000) { printf("NaN"); return; }
    if (sign == 0x4000) putchar('-');
    if (nd == 0 || weight < 0) putchar('0');
    for (int i = 0; i <= weight; i++) {
        int d = i < nd ? be_int16(p + 8 + 2 * i) : 0;
        printf(i == 0 ? "%d" : "%04d", d);
    }
    if (dscale > 0) {
        char frac[64] = {0};
        int n = 0;
        for (int i = weight + 1; n < dscale && n < 60; i++) {
            int d = (i >= 0 && i < nd) ? be_int16(p + 8 + 2 * i) : 0;
            n += snprintf(frac + n, sizeof frac - n, "%04d", d);
        }
        frac[dscale < 60 ? dscale : 60] = 0;
        printf(".%s", frac);
    }
}

static void print_result(PGresult *res)
{
    int nf = PQnfields(res), nt = PQntuples(res);
    for (int r = 0; r < nt; r++) {
        printf("row %d\n", r);
        for (int c = 0; c < nf; c++) {
            printf("  %s fmt=%d", PQfname(res, c), PQfformat(res, c));
            if (PQgetisnull(res, r, c)) { printf(" NULL\n"); continue; }
            const unsigned char *v = (const unsigned char *)PQgetvalue(res, r, c);
            int len = PQgetlength(res, r, c);
            printf(" hex=");
            for (int i = 0; i < len; i++) printf("%02x", v[i]);
            printf(" value=");
            Oid t = PQftype(res, c);
            if (PQfformat(res, c) == 1 && t == INT8OID && len == 8) {
                printf("%lld", (long long)be_int64(v));
            } else if (PQfformat(res, c) == 1 && t == INT4OID && len == 4) {
                uint32_t x;
                memcpy(&x, v, 4);
                printf("%d", (int32_t)ntohl(x));
            } else if (PQfformat(res, c) == 1 && t == NUMERICOID) {
                print_numeric(v, len);
            } else {
                for (int i = 0; i < len; i++) putchar(v[i] >= 0x20 && v[i] < 0x7f ? v[i] : '.');
            }
            putchar('\n');
        }
    }
}

static int expect(PGconn *conn, PGresult *res, ExecStatusType want, const char *what)
{
    if (res && PQresultStatus(res) == want) return 1;
    fprintf(stderr, "libpq_probe: %s: %s%s", what, res ? PQresStatus(PQresultStatus(res)) : "no result",
            res ? "" : "\n");
    fprintf(stderr, ": %s\n", res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: libpq_probe CONNINFO\n"); return 64; }
    PGconn *conn = PQconnectdb(argv[1]);
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "libpq_probe: connect: %s", PQerrorMessage(conn));
        return 1;
    }
    int ok = 1;
    PGresult *res;

    res = PQprepare(conn, "probe", probe_sql, 0, NULL);
    ok &= expect(conn, res, PGRES_COMMAND_OK, "PQprepare probe");
    PQclear(res);

    printf("== exec1\n");
    res = PQexecPrepared(conn, "probe", 0, NULL, NULL, NULL, 1);
    if ((ok &= expect(conn, res, PGRES_TUPLES_OK, "PQexecPrepared #1"))) print_result(res);
    PQclear(res);

    printf("== simple\n");
    res = PQexec(conn, "select now(), 1.5::float8, true");
    if ((ok &= expect(conn, res, PGRES_TUPLES_OK, "simple query"))) {
        printf("fields=%d rows=%d float8=%s bool=%s\n", PQnfields(res), PQntuples(res),
               PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
    }
    PQclear(res);

    printf("== exec2\n");
    res = PQexecPrepared(conn, "probe", 0, NULL, NULL, NULL, 1);
    if ((ok &= expect(conn, res, PGRES_TUPLES_OK, "PQexecPrepared #2"))) print_result(res);
    PQclear(res);

    /* Pipeline mode: two different prepared statements, binary then text results. */
    res = PQprepare(conn, "pipe", pipe_sql, 0, NULL);
    ok &= expect(conn, res, PGRES_COMMAND_OK, "PQprepare pipe");
    PQclear(res);
    if (PQenterPipelineMode(conn) != 1) {
        fprintf(stderr, "libpq_probe: PQenterPipelineMode: %s", PQerrorMessage(conn));
        ok = 0;
    } else {
        if (PQsendQueryPrepared(conn, "probe", 0, NULL, NULL, NULL, 1) != 1 ||
            PQsendQueryPrepared(conn, "pipe", 0, NULL, NULL, NULL, 0) != 1 || PQpipelineSync(conn) != 1) {
            fprintf(stderr, "libpq_probe: pipeline send: %s", PQerrorMessage(conn));
            ok = 0;
        } else {
            const char *names[] = {"== pipeline1 (probe, binary)", "== pipeline2 (pipe, text)"};
            for (int q = 0; q < 2; q++) {
                printf("%s\n", names[q]);
                res = PQgetResult(conn);
                if ((ok &= expect(conn, res, PGRES_TUPLES_OK, names[q] + 3))) print_result(res);
                PQclear(res);
                while ((res = PQgetResult(conn)) != NULL) PQclear(res);   /* up to the NULL ending the query */
            }
            res = PQgetResult(conn);
            ok &= expect(conn, res, PGRES_PIPELINE_SYNC, "pipeline sync");
            PQclear(res);
            if (PQexitPipelineMode(conn) != 1) {
                fprintf(stderr, "libpq_probe: PQexitPipelineMode: %s", PQerrorMessage(conn));
                ok = 0;
            }
        }
    }
    printf("== end\n");
    PQfinish(conn);
    return ok ? 0 : 1;
}
