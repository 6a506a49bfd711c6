# Hardware breakpoints (Z1) and read and access watchpoints (Z3, Z4).
set pagination off
set confirm off
hbreak bump
continue
printf "CHECK hbreak pc=%#lx\n", $pc
delete
rwatch counter
continue
printf "CHECK rwatch pc=%#lx counter=%lu\n", $pc, counter
delete
awatch watched
continue
printf "CHECK awatch pc=%#lx watched=%#lx\n", $pc, watched
delete
continue
