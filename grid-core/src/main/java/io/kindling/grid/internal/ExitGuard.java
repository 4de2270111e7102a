package io.kindling.grid.internal;

import io.kindling.grid.TaskExitException;

import org.apache.ignite.Ignition;

import java.io.FileDescriptor;
import java.net.InetAddress;
import java.security.Permission;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a task from ending the JVM of the node that runs it.
 *
 * <p>Why: {@code System.exit} inside an Ignite job thread wedges the node. The JVM runs its
 * shutdown hooks while the exiting thread waits, and Ignite's hook waits for the job threads to
 * finish, the exiting one among them: the node hung half-stopped, still in the topology, and the
 * work sent to it never came back.
 *
 * <p>How, on Java 17 to 23: a security manager that allows everything, except ending the JVM from
 * a thread while it runs a task. {@code System.exit} and {@code Runtime.halt} there throw
 * {@link TaskExitException}: the task fails with it and the node goes on, as a Dask task calling
 * {@code sys.exit} fails with {@code SystemExit}. Every other check returns at once, so the
 * manager costs a call per check. It is installed once per JVM, when the first Kindling node of
 * the JVM starts a batch. Two precautions: the common fork-join pool is created first (a pool
 * created under a security manager runs its tasks on threads without context class loader), and
 * on Java 17 the JDK's deprecation notice is kept off the node's standard error
 * ({@link #installQuietly}).
 *
 * <p>From Java 24 on, the JDK has no security manager. There the guard is a shutdown hook: when
 * the JVM exits while a task thread is inside {@code System.exit}, it gives the Ignite nodes of
 * the JVM {@value #HALT_AFTER_MILLIS} ms to stop and then halts the JVM, so that the node leaves
 * the cluster (as if killed) instead of hanging in it; the clients compute its lost work again
 * elsewhere, and count the task against their allowed failures.
 */
@SuppressWarnings("removal")
public final class ExitGuard {
    static final long HALT_AFTER_MILLIS = 1000;
    private static final ThreadLocal<int[]> IN_TASK = ThreadLocal.withInitial(() -> new int[1]);
    private static volatile String mode;

    private ExitGuard() {
    }

    /** Installs the guard in this JVM, once. */
    public static void install() {
        if (mode != null) {
            return;
        }
        synchronized (ExitGuard.class) {
            if (mode != null) {
                return;
            }
            ForkJoinPool.commonPool();
            if (System.getSecurityManager() == null && installSecurityManager()) {
                mode = "security manager";
            } else {
                Runtime.getRuntime().addShutdownHook(new Thread(ExitGuard::haltIfATaskExits, "kindling-exit-guard"));
                mode = "shutdown hook";
            }
        }
    }

    /** How this JVM is guarded: "security manager", "shutdown hook", or null before {@link #install}. */
    public static String mode() {
        return mode;
    }

    private static boolean installSecurityManager() {
        if ("disallow".equals(System.getProperty("java.security.manager"))) {
            return false;
        }
        Guard guard = new Guard();
        if (Runtime.version().feature() == 17 && installQuietly(guard)) {
            return true;
        }
        try {
            System.setSecurityManager(guard);
            return true;
        } catch (UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /**
     * On Java 17, {@code System.setSecurityManager} does what its private implementation does and
     * prints a four-line deprecation warning to the JVM's first standard error (which no
     * {@code System.setErr} can redirect): a warning about this guard that a user cannot act on.
     * With {@code java.lang} opened to Kindling (the {@code --add-opens} list every node needs),
     * the implementation is called directly; otherwise the public method, warning and all.
     */
    private static boolean installQuietly(Guard guard) {
        try {
            java.lang.reflect.Method impl = System.class.getDeclaredMethod("implSetSecurityManager",
                    SecurityManager.class);
            impl.setAccessible(true);
            impl.invoke(null, guard);
            return System.getSecurityManager() == guard;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** The calling thread's marker: above zero while it runs a task (see {@code RunTasks}). */
    static int[] marker() {
        return IN_TASK.get();
    }

    private static boolean inTask() {
        return IN_TASK.get()[0] > 0;
    }

    /** The shutdown hook of Java 24 and later: halts the JVM if a task thread is what exits it. */
    private static void haltIfATaskExits() {
        boolean taskExits = false;
        for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
            boolean exiting = false;
            boolean task = false;
            for (StackTraceElement f : t.getValue()) {
                exiting |= f.getClassName().equals("java.lang.Runtime") && f.getMethodName().equals("exit");
                task |= f.getClassName().equals(RunTasks.class.getName());
            }
            taskExits |= exiting && task;
        }
        if (!taskExits) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HALT_AFTER_MILLIS);
        while (!Ignition.allGrids().isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        Runtime.getRuntime().halt(1);
    }

    /** Allows everything but ending the JVM from a task; each check returns at once. */
    private static final class Guard extends SecurityManager {
        @Override
        public void checkExit(int status) {
            if (inTask()) {
                throw new TaskExitException(status);
            }
        }

        @Override
        public void checkPermission(Permission perm) {
        }

        @Override
        public void checkPermission(Permission perm, Object context) {
        }

        @Override
        public void checkCreateClassLoader() {
        }

        @Override
        public void checkAccess(Thread t) {
        }

        @Override
        public void checkAccess(ThreadGroup g) {
        }

        @Override
        public void checkExec(String cmd) {
        }

        @Override
        public void checkLink(String lib) {
        }

        @Override
        public void checkRead(FileDescriptor fd) {
        }

        @Override
        public void checkRead(String file) {
        }

        @Override
        public void checkRead(String file, Object context) {
        }

        @Override
        public void checkWrite(FileDescriptor fd) {
        }

        @Override
        public void checkWrite(String file) {
        }

        @Override
        public void checkDelete(String file) {
        }

        @Override
        public void checkConnect(String host, int port) {
        }

        @Override
        public void checkConnect(String host, int port, Object context) {
        }

        @Override
        public void checkListen(int port) {
        }

        @Override
        public void checkAccept(String host, int port) {
        }

        @Override
        public void checkMulticast(InetAddress maddr) {
        }

        @Override
        public void checkPropertiesAccess() {
        }

        @Override
        public void checkPropertyAccess(String key) {
        }

        @Override
        public void checkPrintJobAccess() {
        }

        @Override
        public void checkPackageAccess(String pkg) {
        }

        @Override
        public void checkPackageDefinition(String pkg) {
        }

        @Override
        public void checkSetFactory() {
        }

        @Override
        public void checkSecurityAccess(String target) {
        }
    }
}
