package io.kindling.grid.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

/**
 * An {@link ObjectInputStream} that reads classes through a given loader first (the loader of
 * the class that was written, or of a task's function: peer-loaded classes are there), then as
 * the JDK does.
 */
public final class LoaderInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    public LoaderInputStream(InputStream in, ClassLoader loader) throws IOException {
        super(in);
        this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        if (loader != null) {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                // the default lookup below
            }
        }
        return super.resolveClass(desc);
    }
}
