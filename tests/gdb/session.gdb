# The debugger session run against armvirt and against QEMU: every line
# that starts with CHECK must be the same on both (tests/gdb/run.sh).
set pagination off
set confirm off
set print pretty off
printf "CHECK start pc=%#lx\n", $pc
break add_twice
continue
printf "CHECK break pc=%#lx a=%lu b=%lu\n", $pc, a, b
printf "CHECK frame-ok=%d\n", $pc > (unsigned long)add_twice && $pc < (unsigned long)add_twice + 64
stepi
printf "CHECK stepi pc=%#lx\n", $pc
next
next
printf "CHECK next s=%lu\n", s
# Registers: general, SIMD, flags, stack.
set $x9 = 0x1122334455667788
printf "CHECK x9=%#lx\n", $x9
set $v7.d.u[1] = 0xfeedface
set $v7.d.u[0] = 0xcafe
printf "CHECK v7=%#lx:%#lx\n", $v7.d.u[1], $v7.d.u[0]
printf "CHECK cpsr.el=%d sp-aligned=%d\n", ((unsigned int)$cpsr >> 2) & 3, ((unsigned long)$sp & 15) == 0
printf "CHECK x30-in-main=%d\n", $x30 > (unsigned long)main && $x30 < (unsigned long)main + 256
# Memory: a write through gdb changes what the guest computes.
finish
printf "CHECK returned x0=%lu\n", $x0
break bump
continue
printf "CHECK bump counter=%lu result=%lu\n", counter, result
set var counter = 100
set var result = 42
printf "CHECK mem counter=%lu result=%lu\n", counter, result
x/2xg &counter
# A watchpoint stops at the store.
watch watched
continue
printf "CHECK watch pc=%#lx watched=%#lx counter=%lu\n", $pc, watched, counter
delete
continue
