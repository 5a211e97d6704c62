/* supp_glib: loads GObject (libgobject-2.0.so.0, dlopen'd: no -dev package
 * needed), whose constructor registers the fundamental types, and registers
 * one more type, for tether's default suppressions of GLib's type system.
 * Exit status 77 when the library is not installed. */
#include <dlfcn.h>
#include <stdio.h>

int main(void)
{
    void *h = dlopen("libgobject-2.0.so.0", RTLD_NOW);
    if (!h) {
        printf("no libgobject-2.0.so.0\n");
        return 77;
    }
    unsigned long (*fundamental_next)(void);
    *(void **)&fundamental_next = dlsym(h, "g_type_fundamental_next");
    if (!fundamental_next || fundamental_next() == 0)
        return 1;
    printf("started\n");
    return 0; /* GObject stays loaded (it is never unloaded) */
}
