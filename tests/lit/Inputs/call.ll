; Two arguments, a value live across a call, copy hints from the calling convention.
target triple = "x86_64-pc-linux-gnu"

define i64 @f(i64 %a, i64 %b) {
  %s = add i64 %a, %b
  %m = mul i64 %a, %b
  %c = call i64 @g(i64 %s)
  %r = add i64 %c, %m
  ret i64 %r
}

declare i64 @g(i64)
