// rust_rc_clean: the same nodes with the back pointer made Weak: everything
// is dropped, nothing is lost, no cycle is reported.
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: any
// EXPECT stdout: a -> b
// EXPECT no-line: reference cycle
// EXPECT line: ^ERROR SUMMARY: 0 errors from 0 contexts
use std::cell::RefCell;
use std::rc::{Rc, Weak};

struct Node {
    name: String,
    next: Option<Rc<RefCell<Node>>>,
    back: Option<Weak<RefCell<Node>>>,
}

#[inline(never)]
fn make_pair() {
    let a = Rc::new(RefCell::new(Node { name: String::from("a"), next: None, back: None }));
    let b = Rc::new(RefCell::new(Node { name: String::from("b"), next: None, back: None }));
    a.borrow_mut().next = Some(Rc::clone(&b));
    b.borrow_mut().back = Some(Rc::downgrade(&a));
    let back = b.borrow().back.as_ref().and_then(|w| w.upgrade()).map(|n| n.borrow().name.clone());
    println!("{} -> {}", back.unwrap_or_default(), b.borrow().name);
}

fn main() {
    make_pair();
}
