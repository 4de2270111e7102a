package io.kindling.grid.internal;

import io.kindling.grid.KindlingServer;
import io.kindling.grid.NodeConfig;

import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The main class of a node that a local cluster starts as a child process. It starts a server
 * node from the options below, prints {@value #READY} and its name, and runs until its standard
 * input closes: the parent holds that pipe open, so when the parent exits, however it exits, the
 * node stops too.
 *
 * <p>Options: {@code --name N --discovery-port P --port-range R --communication-port C
 * --thin-port T --threads K --work-dir DIR --data-region-bytes B [--resources SPEC]
 * [--memory TARGET,PAUSE,SPILL]
 * [--no-peer-class-loading] [--installed-caches]}.
 */
public final class NodeMain {
    /** What the node prints once it has joined the cluster. */
    public static final String READY = "KINDLING-NODE-READY";

    private NodeMain() {
    }

    public static void main(String[] args) throws IOException {
        NodeConfig config = new NodeConfig().logging(Boolean.getBoolean("kindling.node.logging"));
        int discoveryPort = 47500;
        int range = 10;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--name" -> config.instanceName(value);
                case "--discovery-port" -> discoveryPort = Integer.parseInt(value);
                case "--port-range" -> range = Integer.parseInt(value);
                case "--communication-port" -> config.communicationPort(Integer.parseInt(value));
                case "--thin-port" -> config.thinClientPort(Integer.parseInt(value));
                case "--threads" -> config.threads(Integer.parseInt(value));
                case "--work-dir" -> config.workDirectory(Path.of(value));
                case "--data-region-bytes" -> config.dataRegionBytes(Long.parseLong(value));
                case "--resources" -> config.resources(Resources.parse(value));
                case "--memory" -> {
                    String[] m = value.split(",");
                    config.memory(Double.parseDouble(m[0]), Double.parseDouble(m[1]), Boolean.parseBoolean(m[2]));
                }
                case "--no-peer-class-loading" -> {
                    config.peerClassLoading(false);
                    continue;
                }
                case "--installed-caches" -> {
                    config.installedCaches(true);
                    continue;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        config.discovery(discoveryPort, range);
        Ignite ignite;
        try {
            JvmFlags.require("this node");
            ignite = Ignition.start(config.build());
            KindlingServer.install(ignite);
        } catch (RuntimeException | Error e) {
            // The parent shows this output when the node does not come up.
            e.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(1);
            return;
        }
        System.out.println(READY + " " + ignite.name());
        System.out.flush();
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // the parent never writes; end of input means it is gone or wants us to stop
        }
        Ignition.stop(ignite.name(), true);
        System.exit(0);
    }
}
