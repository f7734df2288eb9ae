; A loop with several values live at once (from a small C kernel).
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local i64 @kernel(ptr noundef readonly captures(none) %0, i64 noundef %1) local_unnamed_addr {
  %3 = icmp sgt i64 %1, 0
  br i1 %3, label %4, label %36

4:                                                ; preds = %2
  %5 = and i64 %1, 1
  %6 = icmp eq i64 %1, 1
  br i1 %6, label %11, label %7

7:                                                ; preds = %4
  %8 = and i64 %1, 9223372036854775806
  br label %38

9:                                                ; preds = %38
  %10 = icmp eq i64 %5, 0
  br i1 %10, label %28, label %11

11:                                               ; preds = %9, %4
  %12 = phi i64 [ 0, %4 ], [ %66, %9 ]
  %13 = phi i64 [ 4, %4 ], [ %65, %9 ]
  %14 = phi i64 [ 3, %4 ], [ %63, %9 ]
  %15 = phi i64 [ 2, %4 ], [ %61, %9 ]
  %16 = phi i64 [ 1, %4 ], [ %59, %9 ]
  %17 = icmp ne i64 %5, 0
  tail call void @llvm.assume(i1 %17)
  %18 = getelementptr inbounds nuw i64, ptr %0, i64 %12
  %19 = load i64, ptr %18, align 8
  %20 = mul nsw i64 %19, %15
  %21 = add nsw i64 %20, %16
  %22 = add nsw i64 %21, %14
  %23 = xor i64 %22, %15
  %24 = ashr i64 %23, 2
  %25 = add nsw i64 %24, %14
  %26 = mul nsw i64 %25, 5
  %27 = xor i64 %26, %13
  br label %28

28:                                               ; preds = %9, %11
  %29 = phi i64 [ %59, %9 ], [ %21, %11 ]
  %30 = phi i64 [ %61, %9 ], [ %23, %11 ]
  %31 = phi i64 [ %63, %9 ], [ %25, %11 ]
  %32 = phi i64 [ %65, %9 ], [ %27, %11 ]
  %33 = add nsw i64 %30, %29
  %34 = add nsw i64 %33, %31
  %35 = add nsw i64 %34, %32
  br label %36

36:                                               ; preds = %28, %2
  %37 = phi i64 [ 10, %2 ], [ %35, %28 ]
  ret i64 %37

38:                                               ; preds = %38, %7
  %39 = phi i64 [ 0, %7 ], [ %66, %38 ]
  %40 = phi i64 [ 4, %7 ], [ %65, %38 ]
  %41 = phi i64 [ 3, %7 ], [ %63, %38 ]
  %42 = phi i64 [ 2, %7 ], [ %61, %38 ]
  %43 = phi i64 [ 1, %7 ], [ %59, %38 ]
  %44 = phi i64 [ 0, %7 ], [ %67, %38 ]
  %45 = getelementptr inbounds nuw i64, ptr %0, i64 %39
  %46 = load i64, ptr %45, align 8
  %47 = mul nsw i64 %46, %42
  %48 = add nsw i64 %47, %43
  %49 = add nsw i64 %48, %41
  %50 = xor i64 %49, %42
  %51 = ashr i64 %50, 2
  %52 = add nsw i64 %51, %41
  %53 = mul nsw i64 %52, 5
  %54 = xor i64 %53, %40
  %55 = getelementptr inbounds nuw i64, ptr %0, i64 %39
  %56 = getelementptr inbounds nuw i8, ptr %55, i64 8
  %57 = load i64, ptr %56, align 8
  %58 = mul nsw i64 %57, %50
  %59 = add nsw i64 %58, %48
  %60 = add nsw i64 %59, %52
  %61 = xor i64 %60, %50
  %62 = ashr i64 %61, 2
  %63 = add nsw i64 %62, %52
  %64 = mul nsw i64 %63, 5
  %65 = xor i64 %64, %54
  %66 = add nuw nsw i64 %39, 2
  %67 = add i64 %44, 2
  %68 = icmp eq i64 %67, %8
  br i1 %68, label %9, label %38
}

declare void @llvm.assume(i1 noundef)
