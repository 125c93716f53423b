#!/bin/sh
# Checks the executable entry (runtime-lib/src/main.c) from the outside, with exe_prog.c as the module:
# exit statuses, stdout, and the trap and link-error messages on stderr.
#   check_exe.sh "<runner or empty>" path/to/exe_prog
run=$1
exe=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/w2n-exe.XXXXXX")
n=0
fail=0
# check NAME MODE EXPECTED_STATUS EXPECTED_STDOUT EXPECTED_STDERR_SUBSTRING [ARGS...]
check() {
  name=$1 mode=$2 want_rc=$3 want_out=$4 want_err=$5
  shift 5
  n=$((n + 1))
  # shellcheck disable=SC2086
  W2N_EXE_MODE=$mode $run "$exe" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  out=$(cat "$tmp/out")
  ok=1
  [ "$rc" = "$want_rc" ] || ok=0
  [ "$out" = "$want_out" ] || ok=0
  # stderr must contain want_err as one block of lines (qemu may add lines of its own around it)
  if [ -n "$want_err" ]; then
    case "$(cat "$tmp/err")" in *"$want_err"*) ;; *) ok=0 ;; esac
  fi
  if [ $ok = 1 ]; then
    echo "ok $n - exe: $name"
  else
    echo "not ok $n - exe: $name (status $rc, want $want_rc)"
    sed 's/^/#   stdout: /' "$tmp/out"
    sed 's/^/#   stderr: /' "$tmp/err"
    fail=1
  fi
}
nl='
'
check "hello, exit status 0" hello 0 "hello from wasm" ""
check "proc_exit(3) -> status 3" exit 3 "exiting with 3" ""
check "trap -> status 134" trap 134 "before the trap" "wasm trap: unreachable"
check "trap backtrace" trap 134 "before the trap" "wasm trap: unreachable${nl}    at inner${nl}    at outer${nl}    at _start"
check "trap in the start function (init) -> 134" inittrap 134 "" "wasm trap: integer overflow"
check "link error -> status 1" link 1 "" "error: unknown import: wasi_snapshot_preview1.no_such_function"
check "argv passes through (argv[0] included)" args 0 "$exe${nl}one${nl}two words" "" one "two words"
check "environment only from the compiled-in grants" env 0 "GREETING=hi${nl}EMPTY=" ""
# Run-time grants (main.c): WASM2NATIVE_ENV adds variables and replaces compiled-in ones; bad entries
# are errors before the guest runs.
export FOO=bar GREETING=over WASM2NATIVE_ENV=FOO,UNSET_NAME,GREETING
check "WASM2NATIVE_ENV adds and replaces variables" env 0 "EMPTY=${nl}FOO=bar${nl}GREETING=over" ""
unset WASM2NATIVE_ENV
export WASM2NATIVE_DIRS=/nonexistent-w2n-dir
check "WASM2NATIVE_DIRS naming no directory -> status 1" env 1 "" "error: WASM2NATIVE_DIRS: /nonexistent-w2n-dir is not a directory"
unset WASM2NATIVE_DIRS FOO GREETING
rm -rf "$tmp"
exit $fail
