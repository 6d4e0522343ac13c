# lib.sh - checks shared by the mockbin script tests (sourced by bash):
# each passing check counts itself in $n; the first miss stops the test
# with "FAIL: ..." and status 1.
n=0

fail() {
	echo "FAIL: $*"
	exit 1
}
same() { # same EXPECTED ACTUAL WHAT
	[ "$1" = "$2" ] || fail "$3: expected [$1], got [$2]"
	n=$((n + 1))
}
has_line() { # has_line FILE LINE: the file holds that exact line
	grep -qxF -- "$2" "$1" || fail "$1 lacks the line [$2]"
	n=$((n + 1))
}
lacks() { # lacks FILE TEXT
	! grep -qF -- "$2" "$1" || fail "$1 still holds [$2]"
	n=$((n + 1))
}
field() { # field DISPLAYNAME: the value of "   Name: value" in stdin
	sed -n "s/^   $1: //p"
}
