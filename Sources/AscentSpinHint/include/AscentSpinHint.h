#ifndef ASCENT_SPIN_HINT_H
#define ASCENT_SPIN_HINT_H

/// Tells the CPU the caller is spinning on a flag (x86 PAUSE, Arm YIELD). Inside a busy-wait
/// loop it lets a sibling hardware thread run, saves power and, in a virtual machine, lets
/// the hypervisor notice the spin and run another vCPU instead. Swift has no spelling for it.
void ascent_spin_hint(void);

#endif
