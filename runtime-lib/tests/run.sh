#!/bin/sh
# Builds the runtime and its C tests with clang-19 and runs them: for the host, and for aarch64 and
# riscv64 under qemu-user when the cross toolchains are present.
#
#   runtime-lib/tests/run.sh                 # all targets
#   TARGETS="host" runtime-lib/tests/run.sh  # just some
#   W2N_TEST_OUT=dir                         # where to build (default: a fresh temporary directory)
#   CC=gcc TARGETS=host runtime-lib/tests/run.sh  # the host build with another compiler (cross builds
#                                                 # always use clang-19 with lld)
#
# Exits non-zero if any build or test fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
lib=$(dirname "$here")
out=${W2N_TEST_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/w2n-rt-test.XXXXXX")}
targets=${TARGETS:-"host aarch64 riscv64"}
HOST_CC=${CC:-clang-19}
CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -fPIC -I$lib/include"
# Tests play the compiler's part: their "generated" functions keep frame pointers like generated code.
# Test descriptors leave trailing fields (e.g. exact `valtype` codes) zero on purpose: NULL means "no exact type".
TFLAGS="-std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -Wno-missing-field-initializers -I$lib/include -I$lib/src -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls"
failed=0
summary=""

for t in $targets; do
  case $t in
    host) CC=$HOST_CC; tflag=""; run="" ;;
    aarch64) CC=clang-19; tflag="--target=aarch64-linux-gnu"; run="qemu-aarch64 -L /usr/aarch64-linux-gnu" ;;
    riscv64) CC=clang-19; tflag="--target=riscv64-linux-gnu -march=rv64gc -mabi=lp64d"; run="qemu-riscv64 -L /usr/riscv64-linux-gnu" ;;
    *) echo "unknown target $t"; exit 2 ;;
  esac
  if [ -n "$run" ] && ! command -v "${run%% *}" >/dev/null 2>&1; then
    echo "# $t: ${run%% *} not found, skipped"; summary="$summary $t:skipped"; continue
  fi
  case $CC in *clang*) ldflag="-fuse-ld=lld" ;; *) ldflag="" ;; esac
  dir="$out/$t"; mkdir -p "$dir"
  echo "# ---- $t: building runtime"
  objs=""
  ok=1
  for src in "$lib"/src/*.c; do
    name=$(basename "$src" .c)
    # shellcheck disable=SC2086
    $CC $tflag $CFLAGS -c "$src" -o "$dir/$name.o" || ok=0
    [ "$name" = main ] || objs="$objs $dir/$name.o"
  done
  if [ $ok = 0 ]; then failed=1; summary="$summary $t:build-failed"; continue; fi
  rm -f "$dir/libw2n_runtime.a"
  # shellcheck disable=SC2086
  llvm-ar-19 rcs "$dir/libw2n_runtime.a" $objs 2>/dev/null || ar rcs "$dir/libw2n_runtime.a" $objs
  tfail=0
  for src in "$here"/test_*.c; do
    name=$(basename "$src" .c)
    # shellcheck disable=SC2086
    if ! $CC $tflag $TFLAGS $ldflag -pthread "$src" "$dir/libw2n_runtime.a" -o "$dir/$name"; then
      echo "not ok - $t $name: build failed"; tfail=1; continue
    fi
    echo "# $t $name"
    # shellcheck disable=SC2086
    (cd "$dir" && W2N_TEST_BIN="$dir/$name" W2N_TEST_RUN="$run" $run "$dir/$name") > "$dir/$name.log" 2>&1
    rc=$?
    cat "$dir/$name.log"
    if [ $rc != 0 ]; then echo "not ok - $t $name exited with $rc"; tfail=1; fi
  done
  # The executable entry (main.c) with a hand-made module: checked from the outside.
  # shellcheck disable=SC2086
  if $CC $tflag $TFLAGS $ldflag -pthread "$here/exe_prog.c" "$dir/main.o" "$dir/libw2n_runtime.a" -o "$dir/exe_prog"; then
    sh "$here/check_exe.sh" "$run" "$dir/exe_prog" || tfail=1
  else
    echo "not ok - $t exe_prog: build failed"; tfail=1
  fi
  if [ $tfail = 0 ]; then summary="$summary $t:pass"; else summary="$summary $t:FAIL"; failed=1; fi
done
if [ $failed = 0 ] && [ -z "${W2N_TEST_OUT:-}" ]; then
  rm -rf "$out"
  echo "# summary:$summary"
else
  echo "# summary:$summary (build dir $out)"
fi
exit $failed
