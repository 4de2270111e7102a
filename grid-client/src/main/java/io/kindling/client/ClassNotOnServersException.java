package io.kindling.client;

/**
 * A task's function or argument is of a class that the servers cannot load. Thick clients ship
 * classes only when every node has peer class loading on; otherwise, and always for thin clients,
 * the class must be on the servers' class path.
 */
public class ClassNotOnServersException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String className;

    public ClassNotOnServersException(String className, Throwable cause) {
        super("the servers cannot load class " + className + ": put the jar that holds it on every server's class "
                + "path (bin/kindling-server --classpath your-tasks.jar) and restart them, or turn on peer class "
                + "loading on every node (development only)", cause);
        this.className = className;
    }

    /** The class the servers lack. */
    public String className() {
        return className;
    }
}
