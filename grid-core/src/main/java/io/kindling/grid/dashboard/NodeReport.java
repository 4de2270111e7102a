package io.kindling.grid.dashboard;

import io.kindling.grid.internal.TaskEvents;

import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.internal.NodeAttributes;
import io.kindling.grid.internal.NodeWork;
import org.apache.ignite.DataRegionMetrics;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cluster.ClusterMetrics;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.configuration.CacheConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.internal.processors.task.GridInternal;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one server node reports to the dashboard: who it is, what it holds, what it has run and
 * what it runs now. {@link Probe} is the job that makes it, broadcast to every server node.
 *
 * <p>"Memory held by Kindling data" is the used size of the data cache's data region (Ignite's
 * {@code DataRegionMetrics.getTotalUsedSize}, which Ignite keeps even with region metrics off):
 * pages in use, so it includes about 1 MB of empty-partition overhead and shrinks when data is
 * deleted; its limit is the region's configured maximum. "Keys" are the data cache's primary
 * entries on the node. "Spilled" is what the node wrote to disk past its memory target, and
 * "paused" says that it waits for memory before it starts more tasks, as on Dask's dashboard.
 */
final class NodeReport implements Serializable {
    private static final long serialVersionUID = 1L;

    String node;
    String host;
    int threads;
    long keys;
    long memoryBytes;
    long memoryLimitBytes;
    /** Values the node wrote to disk ({@link io.kindling.grid.internal.Spill}), and whether it waits for memory. */
    long spilledBytes;
    int spilledValues;
    boolean paused;
    long heapUsedBytes;
    long heapMaxBytes;
    double cpuLoad;
    long recorded;
    List<TaskEvent> running;
    /** Names of threads that go on running a cancelled task that ignores its interrupt. */
    List<String> stuck;
    Map<String, long[]> functions;

    /** Makes the report of the node it runs on (an internal job: see {@link ClusterView}). */
    @GridInternal
    static final class Probe implements IgniteCallable<NodeReport> {
        private static final long serialVersionUID = 1L;

        @IgniteInstanceResource
        private transient Ignite ignite;

        @Override
        public NodeReport call() {
            ClusterNode local = ignite.cluster().localNode();
            TaskEvents events = TaskEvents.forNode(ignite.name());
            NodeReport r = new NodeReport();
            r.node = String.valueOf(local.consistentId());
            r.host = host(local);
            r.threads = threads(local);
            IgniteCache<?, ?> cache = ignite.cache(KindlingGrid.DATA_CACHE);
            r.keys = cache == null ? 0 : cache.localSizeLong(CachePeekMode.PRIMARY);
            String region = cache == null ? null : regionName(ignite, cache);
            r.memoryBytes = region == null ? 0 : regionUsedBytes(ignite, region);
            r.memoryLimitBytes = region == null ? 0 : regionMaxBytes(ignite, region);
            io.kindling.grid.internal.Spill spill = io.kindling.grid.internal.Spill.of(ignite);
            r.spilledBytes = spill.spilledBytes();
            r.spilledValues = spill.spilledValues();
            r.paused = spill.paused();
            ClusterMetrics metrics = local.metrics();
            r.heapUsedBytes = metrics.getHeapMemoryUsed();
            r.heapMaxBytes = metrics.getHeapMemoryMaximum();
            r.cpuLoad = metrics.getCurrentCpuLoad();
            r.recorded = events.recorded();
            r.running = new ArrayList<>(events.running());
            r.stuck = new ArrayList<>();
            for (NodeWork.StuckTask t : NodeWork.of(ignite).stuck()) {
                r.stuck.add(t.thread());
            }
            r.functions = events.functionCounts();
            return r;
        }
    }

    static String host(ClusterNode node) {
        for (String h : node.hostNames()) {
            if (!h.isEmpty()) {
                return h;
            }
        }
        return node.addresses().isEmpty() ? "" : node.addresses().iterator().next();
    }

    static int threads(ClusterNode node) {
        Object threads = node.attribute(NodeAttributes.THREADS);
        if (threads != null) {
            try {
                return Integer.parseInt(threads.toString());
            } catch (NumberFormatException e) {
                // not a Kindling configuration: fall through
            }
        }
        return node.metrics().getTotalCpus();
    }

    /** The data region that holds {@code cache}. (Its configuration's type is unchecked: Ignite types it by a class literal.) */
    @SuppressWarnings("unchecked")
    private static String regionName(Ignite ignite, IgniteCache<?, ?> cache) {
        CacheConfiguration<?, ?> config = cache.getConfiguration(CacheConfiguration.class);
        if (config.getDataRegionName() != null) {
            return config.getDataRegionName();
        }
        DataStorageConfiguration storage = ignite.configuration().getDataStorageConfiguration();
        return storage == null ? DataStorageConfiguration.DFLT_DATA_REG_DEFAULT_NAME
                : storage.getDefaultDataRegionConfiguration().getName();
    }

    /**
     * The used bytes of a data region. {@code Ignite.dataRegionMetrics} is deprecated in favour of
     * the metric registry {@code io.dataregion.<name>}, which only an exporter SPI or Ignite's
     * internals can read; the deprecated call is public, and still right.
     */
    @SuppressWarnings("deprecation")
    private static long regionUsedBytes(Ignite ignite, String region) {
        DataRegionMetrics metrics = ignite.dataRegionMetrics(region);
        return metrics == null ? 0 : metrics.getTotalUsedSize();
    }

    /** The most a data region may grow to, as configured (0 if unknown). */
    private static long regionMaxBytes(Ignite ignite, String region) {
        DataStorageConfiguration storage = ignite.configuration().getDataStorageConfiguration();
        if (storage == null) {
            return 0;
        }
        List<DataRegionConfiguration> regions = new ArrayList<>();
        regions.add(storage.getDefaultDataRegionConfiguration());
        if (storage.getDataRegionConfigurations() != null) {
            regions.addAll(List.of(storage.getDataRegionConfigurations()));
        }
        for (DataRegionConfiguration r : regions) {
            if (r != null && region.equals(r.getName())) {
                return r.getMaxSize();
            }
        }
        return 0;
    }
}
