// err_cxx_correct_forms: every correct pairing of C++ allocation and release
// functions (plain, array, sized, over-aligned, nothrow, nothrow-aligned, explicit
// operator calls, arrays with a cookie, standard containers of over-aligned types)
// is no error at all.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: checksum 25
// EXPECT errors: 0 from 0
// EXPECT no-line: ^Mismatched
// EXPECT no-line: ^Invalid free
// EXPECT line: All heap blocks were freed -- no leaks are possible
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

struct alignas(64) Line {
    char bytes[64];
};

struct Counted { /* non-trivial destructor: new[] stores a cookie before the array */
    static int live;
    int v = 1;
    Counted() { live++; }
    ~Counted() { live--; }
};
int Counted::live;

int main()
{
    int sum = 0;

    int *a = new int(1); sum += *a; delete a;                    /* plain, sized delete */
    int *b = new int[4](); sum += 1 + b[0]; delete[] b;          /* array */
    Line *c = new Line(); sum += 1 + c->bytes[0]; delete c;      /* aligned, sized aligned delete */
    Line *d = new Line[3](); sum += 1 + d[2].bytes[0]; delete[] d; /* aligned array */
    int *e = new (std::nothrow) int(1); sum += *e; delete e;     /* nothrow new, plain delete */
    int *f = new (std::nothrow) int[2](); sum += 1 + f[1]; delete[] f;
    Line *g = new (std::nothrow) Line(); sum += 1 + g->bytes[5]; delete g; /* nothrow aligned */
    Line *h = new (std::nothrow) Line[2](); sum += 1 + h[1].bytes[0]; delete[] h;
    Counted *k = new Counted[5]; sum += k[4].v; delete[] k;     /* array cookie */
    sum += Counted::live;                                          /* 0 */

    /* explicit operator calls, every matching release form */
    void *p = ::operator new(24); sum++; ::operator delete(p);
    p = ::operator new(24); sum++; ::operator delete(p, 24);
    p = ::operator new(24, std::nothrow); sum++; ::operator delete(p, std::nothrow);
    p = ::operator new[](40); sum++; ::operator delete[](p);
    p = ::operator new[](40); sum++; ::operator delete[](p, 40);
    p = ::operator new[](40, std::nothrow); sum++; ::operator delete[](p, std::nothrow);
    p = ::operator new(128, std::align_val_t(128)); sum++;
    ::operator delete(p, std::align_val_t(128));
    p = ::operator new(128, std::align_val_t(128)); sum++;
    ::operator delete(p, 128, std::align_val_t(128));
    p = ::operator new(128, std::align_val_t(128), std::nothrow); sum++;
    ::operator delete(p, std::align_val_t(128), std::nothrow);
    p = ::operator new[](256, std::align_val_t(64)); sum++;
    ::operator delete[](p, std::align_val_t(64));
    p = ::operator new[](256, std::align_val_t(64)); sum++;
    ::operator delete[](p, 256, std::align_val_t(64));
    p = ::operator new[](256, std::align_val_t(64), std::nothrow); sum++;
    ::operator delete[](p, std::align_val_t(64), std::nothrow);

    /* the C functions, and library code using aligned new */
    p = std::malloc(10); sum++; std::free(p);
    p = std::calloc(2, 10); sum++; p = std::realloc(p, 100); std::free(p);
    p = std::aligned_alloc(64, 128); sum++; std::free(p);
    {
        std::vector<Line> v(7);
        v.resize(40);
        auto u = std::make_unique<Line[]>(3);
        auto s = std::make_shared<Line>();
        sum += 1 + v[39].bytes[0] + u[2].bytes[0] + s->bytes[0];
    }
    std::printf("checksum %d\n", sum);
    return 0;
}
