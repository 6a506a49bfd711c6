# kill: the emulator exits.
set pagination off
set confirm off
break add_twice
continue
printf "CHECK kill-at pc=%#lx\n", $pc
kill
