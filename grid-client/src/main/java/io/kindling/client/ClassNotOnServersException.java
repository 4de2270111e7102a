package io.kindling.client;

/**
 * A task's function or argument is of a class that the servers cannot load. Thick clients ship
 * classes only when every node has peer class loading on; otherwise, and always for thin clients,
 * the class must be on the servers' class path.
 */
public class ClassNotOnServersException extends io.kindling.KindlingException {
    private static final long serialVersionUID = 1L;

    private final String className;

    public ClassNotOnServersException(String className, Throwable cause) {
        super(message(className), cause);
        this.className = className;
    }

    private static String message(String className) {
        if (className.startsWith("io.kindling.")) {
            // Servers without Kindling's jars, and without peer class loading to ship its job classes.
            String version = java.util.Objects.requireNonNullElse(
                    ClassNotOnServersException.class.getPackage().getImplementationVersion(), "VERSION");
            return "the servers cannot load Kindling's own class " + className + ": they were not started with "
                    + "Kindling. Put Kindling's jars grid-core-" + version
                    + ".jar and grid-client-" + version + ".jar (Maven io.kindling:grid-core and io.kindling:grid-client; "
                    + "both in lib/ of Kindling's distribution) on every server's class path (for Ignite's ignite.sh, "
                    + "in its libs/) and restart them; add the lifecycle bean io.kindling.grid.KindlingNode to their "
                    + "configuration (as config/kindling-server.xml has) for the dashboard and thin clients. Or turn "
                    + "peer class loading on for every node (thick clients), which ships Kindling's job classes as it ships your "
                    + "functions, or start the servers with bin/kindling-server";
        }
        return "the servers cannot load class " + className + ": put the jar that holds it on every server's class "
                + "path (bin/kindling-server --classpath your-tasks.jar) and restart them, or turn on peer class "
                + "loading on every node (development only)";
    }

    /** The class the servers lack. */
    public String className() {
        return className;
    }
}
