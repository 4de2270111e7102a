package io.kindling.examples;

import io.kindling.Delayed;

import static io.kindling.Delayed.delayed;

/**
 * The tutorial's first step, "a simple method": three slow functions, made lazy with
 * {@code delayed}, then computed together. Each call sleeps {@value #WORK_MILLIS} ms (the Dask
 * tutorial sleeps a second) so the parallelism shows without a long wait.
 */
public final class Tutorial {
    static final long WORK_MILLIS = 50;

    private Tutorial() {
    }

    public static int inc(int x) throws InterruptedException {
        Thread.sleep(WORK_MILLIS);
        return x + 1;
    }

    public static int dec(int x) throws InterruptedException {
        Thread.sleep(WORK_MILLIS);
        return x - 1;
    }

    public static int add(int x, int y) throws InterruptedException {
        Thread.sleep(WORK_MILLIS);
        return x + y;
    }

    public static void main(String[] args) {
        Delayed<Integer> x = delayed(Tutorial::inc, 6);
        Delayed<Integer> y = delayed(Tutorial::dec, 7);
        Delayed<Integer> total = delayed(Tutorial::add, x, y);
        System.out.println(total.compute());
    }
}
