package io.kindling.grid.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcomes of one batch as they travel back to its client, in a compact form ({@link Columns}):
 * the node's and thread's names once per batch, keys as their parts.
 */
public final class Outcomes implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int size;
    private final Columns columns;
    /** The outcomes, on the side that made them or once read. */
    private transient volatile List<Outcome> list;

    public Outcomes(List<Outcome> list) {
        Columns.Writer w = new Columns.Writer(list.size());
        for (Outcome o : list) {
            o.write(w);
        }
        this.size = list.size();
        this.columns = w.done();
        this.list = list;
    }

    public List<Outcome> list() {
        List<Outcome> l = list;
        if (l == null) {
            synchronized (this) {
                if (list == null) {
                    list = columns.readAll(size, Outcome::read);
                }
                l = list;
            }
        }
        return l;
    }
}
