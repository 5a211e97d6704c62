// rust_rc_cycle: the textbook Rust leak: two Rc<RefCell<Node>> that point at
// each other (no Weak). Built with rustc, it uses the system allocator, so
// tether sees it unmodified: exactly one reference cycle of two blocks, with
// Rust's function names demangled; the names' strings hang off it. Valgrind's
// totals: one block definitely lost, three indirectly.
// (It prints with eprintln!: see docs/usage.md on Rust's stdout at exit.)
// TOOLS: tether
// EXPECT definitely: 56 bytes in 1 blocks
// EXPECT indirectly: 58 bytes in 3 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: any
// EXPECT seq: ^112 bytes in 2 blocks form a reference cycle \(cycle 1 of 1\)$
// EXPECT next: ^   block A: 56 bytes, \+[0-9]+ -> B$
// EXPECT seq: ^      by 0x[0-9A-F]+: rust_rc_cycle::make_pair \(rust_rc_cycle.rs:29\)$
// EXPECT seq: ^   block B: 56 bytes, \+[0-9]+ -> A$
// EXPECT seq: ^      by 0x[0-9A-F]+: rust_rc_cycle::make_pair \(rust_rc_cycle.rs:30\)$
// EXPECT seq: ^   hanging off the cycle: 2 blocks, 2 bytes$
// EXPECT no-line: cycle 2 of
use std::cell::RefCell;
use std::rc::Rc;

struct Node {
    name: String,
    next: Option<Rc<RefCell<Node>>>,
}

#[inline(never)]
fn make_pair() {
    let a = Rc::new(RefCell::new(Node { name: String::from("a"), next: None }));
    let b = Rc::new(RefCell::new(Node { name: String::from("b"), next: Some(Rc::clone(&a)) }));
    a.borrow_mut().next = Some(Rc::clone(&b));
    eprintln!("{} -> {}", a.borrow().name, b.borrow().name);
}

fn main() {
    make_pair();
}
