package io.kindling.client;

/**
 * A dataset call that cannot be done ({@link Client#publish}, {@link Client#getDataset},
 * {@link Client#unpublish}): no dataset of that name, a name already taken, a future that did not
 * finish, or data gone from the cluster; the message says which and what to do.
 */
public class DatasetException extends io.kindling.KindlingException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
