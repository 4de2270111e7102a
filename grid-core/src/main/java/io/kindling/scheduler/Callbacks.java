package io.kindling.scheduler;

import java.util.concurrent.CopyOnWriteArrayList;

/** The callbacks active now, for every thread (as Dask's {@code Callback.active}). */
final class Callbacks {
    private static final CopyOnWriteArrayList<Callback> ACTIVE = new CopyOnWriteArrayList<>();
    private static final Callback[] NONE = new Callback[0];

    private Callbacks() {
    }

    static Callback.Registration add(Callback callback) {
        ACTIVE.add(callback);
        return () -> ACTIVE.remove(callback);
    }

    static Callback[] active() {
        return ACTIVE.isEmpty() ? NONE : ACTIVE.toArray(NONE);
    }
}
