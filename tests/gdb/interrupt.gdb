# Ctrl-C while the guest runs (run.sh sends gdb SIGINT once it has printed
# "MARK spinning", which gdb passes on as the remote interrupt), then detach:
# the guest runs on to its exit.
set pagination off
set confirm off
break main
continue
set var spin = 1
delete
printf "MARK spinning\n"
continue
printf "CHECK interrupted in-main=%d spin=%lu\n", $pc >= (unsigned long)main && $pc < (unsigned long)main + 256, spin
printf "CHECK counter-moved=%d\n", counter > 1000
set var spin = 0
detach
