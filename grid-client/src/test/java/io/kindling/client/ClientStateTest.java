package io.kindling.client;

import io.kindling.graph.Fn1;
import io.kindling.graph.Fn2;
import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.grid.internal.CancelReport;
import io.kindling.grid.LostDataException;
import io.kindling.grid.internal.Outcome;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's state machine without a cluster: a fake topology of named nodes, batches answered
 * by hand, node deaths as events. The invariants are checked after every step.
 *
 * <p>Why one file of this size: every case drives the same state machine through the same small
 * harness, one event at a time.
 */
class ClientStateTest {
    /** Nodes with one slot each; partition {@code p} belongs to node {@code p % nodes}. */
    static class FakeTopology implements Topology {
        final List<String> nodes = new ArrayList<>();

        FakeTopology(String... names) {
            nodes.addAll(List.of(names));
        }

        @Override
        public List<String> nodes() {
            return List.copyOf(nodes);
        }

        @Override
        public String nodeOf(int partition) {
            return partition < 0 || nodes.isEmpty() ? null : nodes.get(partition % nodes.size());
        }

        @Override
        public int partitionOn(String node, int hash) {
            return nodes.indexOf(node);
        }

        @Override
        public int slots(String node) {
            return 1;
        }
    }

    private static final Fn1<Integer, Integer> INC = Ops::inc;
    private static final Fn2<Integer, Integer, Integer> ADD = Ops::add;

    private FakeTopology topology;
    private ClientState state;
    private int storages;

    @BeforeEach
    void start() {
        topology = new FakeTopology("a", "b", "c");
        state = new ClientState(topology, k -> k + "#test." + (storages++));
    }

    @AfterEach
    void checkInvariants() {
        check();
    }

    /** Validates the state and completes the futures it asks to, as the client does after each event. */
    private void check() {
        state.validate();
        for (ClientState.Completion c : state.drainCompleted()) {
            c.done().complete(c.resolution());
        }
    }

    private KeyEntry submit(Task task) {
        KeyEntry e = state.addTask(task, 0);
        check();
        return e;
    }

    private KeyEntry held(Task task) {
        KeyEntry e = submit(task);
        state.hold(e);
        check();
        return e;
    }

    private List<Batch> take() {
        List<Batch> out = state.takeBatches(1000);
        check();
        return out;
    }

    /** Every task of the batch succeeds on its node, with {@code value} as its value. */
    private void succeed(Batch batch, int value) {
        Map<Key, Outcome> outcomes = new HashMap<>();
        for (KeyEntry e : batch.entries) {
            outcomes.put(e.key, Outcome.success(e.key, 4, true, value, batch.node, "t", 0, 0));
        }
        state.batchFinished(batch, outcomes);
        check();
    }

    private void runAll(int value) {
        for (int round = 0; round < 20; round++) {
            List<Batch> batches = take();
            if (batches.isEmpty()) {
                return;
            }
            for (Batch b : batches) {
                succeed(b, value);
            }
        }
    }

    private static Task inc(String key, Object arg) {
        return Task.of(Key.of(key), INC, arg);
    }

    private static Task add(String key, Object a, Object b) {
        return Task.of(Key.of(key), ADD, a, b);
    }

    @Test
    void chain_runsInOneBatch_andReleaseDeletesEverything() {
        KeyEntry x = submit(inc("x", 1));
        KeyEntry y = held(inc("y", Key.of("x")));
        List<Batch> batches = take();
        assertEquals(1, batches.size());
        assertEquals(List.of(x, y), batches.get(0).entries, "the dependent rides in its input's batch");
        succeed(batches.get(0), 2);
        assertEquals(KeyEntry.State.MEMORY, y.state);
        assertEquals(KeyEntry.State.RELEASED, x.state, "x's data is not needed, but y was computed from it");
        assertEquals(2, state.drainDeletions().size() + 1, "x's data deleted");
        state.release(y);
        check();
        assertEquals(0, state.size());
        assertEquals(1, state.drainDeletions().size(), "y's data deleted");
    }

    // ------------------------------------------------------------------ keys shared with other clients

    /** A record of another client's value of {@code key}, as the shared key table gives it. */
    private static KeySharing.Record otherValue(String key) {
        return new KeySharing.Record(key, "other", 'M', "kindling-data", key + "#other.1", 2, "c", 8, 0, null);
    }

    @Test
    void sharing_newTasksWaitForTheirLookup_thenTakeAnotherClientsValue_orRun() {
        state.shareKeys(() -> true);
        KeyEntry x = held(inc("x", 1));
        KeyEntry y = held(inc("y", Key.of("x")));
        assertEquals(List.of(x, y), state.drainLookups());
        assertTrue(take().isEmpty(), "nothing is sent before its lookup answers");
        // Another client has y: x, which only y read, is not needed for it.
        assertTrue(state.sharedDone(y, otherValue("y")));
        check();
        assertEquals(KeyEntry.State.MEMORY, y.state);
        assertEquals("y#other.1", y.storage);
        assertEquals("c", y.node);
        assertTrue(y.done.isDone());
        // x is still held: nobody has it, so it runs.
        state.sharedAbsent(x);
        check();
        List<Batch> batches = take();
        assertEquals(List.of(x), batches.get(0).entries);
        succeed(batches.get(0), 2);
        assertFalse(state.sharedDone(x, otherValue("x")), "an answer that comes late changes nothing");
        check();
    }

    @Test
    void sharing_aTaskWaitingForAnotherClient_isNotPending_andErrsWithItsError() {
        state.shareKeys(() -> true);
        KeyEntry x = held(inc("x", 1));
        state.drainLookups();
        assertEquals(Map.of("inc", 1L), state.pendingByFunction());
        state.sharedWaiting(x);
        check();
        assertEquals(Map.of(), state.pendingByFunction(), "the other client counts it");
        assertEquals(1, state.waitingForOthers());
        IllegalStateException error = new IllegalStateException("failed there");
        state.sharedErred(x, error);
        check();
        assertEquals(KeyEntry.State.ERRED, x.state);
        assertSame(error, x.error);
        assertEquals(0, state.waitingForOthers());
    }

    @Test
    void sharing_recordsFollowTheKey_writtenWhileActive_removedBeforeItsDataGoes() {
        KeyEntry x = held(inc("x", 1));
        runAll(2);
        assertFalse(state.hasRegistryChanges(), "no records while no other client reads them");
        state.activate(true);
        ClientState.RegistryChanges first = state.drainRegistryChanges("test");
        assertEquals(1, first.written().size(), "what it has so far is written when another client appears");
        assertEquals('M', first.written().get(0).state());
        state.release(x);
        check();
        ClientState.RegistryChanges second = state.drainRegistryChanges("test");
        assertEquals(Set.of(x.key), second.removed());
        assertEquals(1, state.drainDeletions().size(), "the data goes after the record, in the same round");
    }

    @Test
    void story_namesEveryStepOfAKey_andTheLogIsBounded() {
        KeyEntry x = held(inc("x", 1));
        runAll(2);
        state.release(x);
        check();
        List<String> steps = new ArrayList<>();
        for (Transition t : state.story(Set.of(Key.of("x")))) {
            steps.add(t.from() + ">" + t.to() + ":" + t.why());
        }
        assertEquals(List.of("new>waiting:computing", "waiting>ready:inputs in memory", "ready>processing:sent",
                "processing>memory:finished", "memory>forgotten:forgotten"), steps);
        assertEquals("a", state.story(Set.of(Key.of("x"))).get(2).node(), "sent to its node");
        assertEquals("a", state.story(Set.of(Key.of("x"))).get(3).node(), "finished on its node");

        TransitionLog small = new TransitionLog(2);
        for (int i = 0; i < 5; i++) {
            small.note(Key.of("k"), KeyEntry.State.NEW, KeyEntry.State.WAITING, "step " + i, null);
        }
        List<Transition> kept = small.story(Set.of(Key.of("k")));
        assertEquals(List.of("step 3", "step 4"), List.of(kept.get(0).why(), kept.get(1).why()), "the last two");
    }

    @Test
    void story_saysWhyATaskWasSentAgain() {
        KeyEntry x = state.addTask(inc("x", 1), 1);
        state.hold(x);
        check();
        Batch first = take().get(0);
        topology.nodes.remove(first.node);
        state.nodesLeft(List.of(first.node), List.of());
        check();
        Batch second = take().get(0);
        state.batchOrphaned(second, new ClusterUnavailableException("node " + second.node + " refused it", null), 0);
        state.batchRetry(second, second.failure);
        check();
        Batch third = take().get(0);
        state.batchFinished(third, Map.of(x.key, Outcome.failure(x.key, new IllegalStateException("boom"),
                third.node, "t", 0, 0)));
        check();
        List<String> again = new ArrayList<>();
        for (Transition t : state.story(Set.of(x.key))) {
            if (t.from().equals("processing") && t.to().equals("waiting")) {
                again.add(t.why());
            }
        }
        assertEquals(List.of("its node left", "sent again: node " + second.node + " refused it", "failed, retried"), again);
        assertEquals(KeyEntry.State.READY, x.state, "its last retry is ready to run");
    }

    @Test
    void forgottenEntries_unlistedAtOnce_purgedLater_aKeyAddedAgainMeanwhileIsNew() {
        KeyEntry x = held(inc("x", 1));
        KeyEntry y = held(inc("y", 2));
        runAll(5);
        state.release(x);
        state.release(y);
        check();
        assertEquals(KeyEntry.State.FORGOTTEN, x.state);
        assertEquals(0, state.size(), "forgotten entries are not counted while they wait to be purged");
        assertNull(state.get(Key.of("x")));
        assertTrue(state.hasCleanup(), "the purge is left to do");
        KeyEntry again = held(inc("x", 1));
        assertTrue(again != x, "a key added again before the purge gets a new entry");
        assertEquals(KeyEntry.State.READY, again.state);
        assertTrue(state.purgeForgotten(1), "a chunk of one: y is left to purge");
        assertFalse(state.purgeForgotten(10));
        check();
        assertSame(again, state.get(Key.of("x")), "the purge of the old entry leaves the new one listed");
        assertEquals(1, state.size());
        state.drainDeletions();
        assertFalse(state.hasCleanup());
    }

    @Test
    void lostValue_computedAgainFromLineage_withReleasedInputsFirst() {
        submit(inc("x", 1));
        KeyEntry y = held(inc("y", Key.of("x")));
        runAll(5);
        var firstDone = y.done;
        String firstStorage = y.storage;
        state.nodesLeft(List.of(y.node), List.of(y));
        check();
        assertEquals("pending", y.status(), "a lost value with lineage is computed again");
        assertFalse(y.done.isDone());
        assertTrue(firstDone.isDone(), "the finished computation stays finished; a new one begins");
        KeyEntry x = state.get(Key.of("x"));
        assertEquals(KeyEntry.State.READY, x.state, "the released input is computed first");
        runAll(7);
        assertEquals(KeyEntry.State.MEMORY, y.state);
        assertFalse(firstStorage.equals(y.storage), "a new computation stores under a new name");
        assertTrue(y.done.isDone());
    }

    @Test
    void lostValue_notOnTheDeadNode_isNotComputedAgain() {
        KeyEntry x = held(inc("x", 1));
        KeyEntry y = held(inc("y", 2));
        runAll(1);
        String other = x.node.equals(y.node) ? null : y.node;
        state.nodesLeft(List.of(x.node), List.of(x));
        check();
        assertEquals(KeyEntry.State.READY, x.state);
        if (other != null) {
            assertEquals(KeyEntry.State.MEMORY, y.state, "nothing is computed twice that was not lost");
        }
    }

    @Test
    void scatteredValueLost_futureLost_dependentsErrWithTheSameException() {
        KeyEntry data = state.addData(Key.of("data"), "kindling-data", "data#test.s", 0, "a", 8, true, 3, 0, null);
        state.hold(data);
        KeyEntry r = held(inc("r", Key.of("data")));
        topology.nodes.remove("a");
        state.nodesLeft(List.of("a"), List.of(data));
        check();
        assertEquals("lost", data.status());
        LostDataException lost = assertInstanceOf(LostDataException.class, data.error);
        assertTrue(lost.getMessage().contains("'data'") && lost.getMessage().contains("node a")
                && lost.getMessage().contains("replicas"), lost.getMessage());
        assertEquals(KeyEntry.State.ERRED, r.state);
        assertSame(lost, r.error, "dependents fail with the same exception");
        assertEquals(Key.of("data"), r.erredKey);
        assertTrue(state.inMemory().isEmpty(), "a lost value is no longer in memory (whoHas names no node)");
    }

    @Test
    void scatterAgainAfterLoss_storesAgain() {
        KeyEntry data = state.addData(Key.of("data"), "kindling-data", "data#test.1", 0, "a", 8, true, 3, 0, null);
        state.hold(data);
        state.nodesLeft(List.of("a"), List.of(data));
        assertEquals(KeyEntry.State.LOST, data.state);
        KeyEntry again = state.addData(Key.of("data"), "kindling-data", "data#test.2", 1, "b", 8, true, 3, 0, null);
        check();
        assertSame(data, again);
        assertEquals(KeyEntry.State.MEMORY, data.state);
        assertEquals("data#test.2", data.storage);
        assertTrue(data.done.isDone());
    }

    @Test
    void batchOnDeadNode_tasksRunAgainElsewhere_aloneAfterASecondDeath() {
        List<KeyEntry> many = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            many.add(held(inc("t" + i, i)));
        }
        List<Batch> batches = take();
        List<KeyEntry> onA = new ArrayList<>();
        for (Batch b : batches) {
            if (b.node.equals("a")) {
                onA.addAll(b.entries);
            }
        }
        topology.nodes.remove("a");
        state.nodesLeft(List.of("a"), List.of());
        check();
        for (KeyEntry e : onA) {
            assertEquals(KeyEntry.State.READY, e.state);
            assertEquals(List.of("a"), e.killedNodes);
            assertFalse(e.solo, "one death does not isolate a task");
        }
        for (Batch b : batches) {
            if (!b.node.equals("a")) {
                succeed(b, 1);
            }
        }
        Batch late = batches.stream().filter(b -> b.node.equals("a")).findFirst().orElseThrow();
        succeed(late, 0);
        assertTrue(onA.stream().allMatch(e -> e.state == KeyEntry.State.READY), "a late answer of a lost batch is ignored");
        List<Batch> again = take();
        assertTrue(again.stream().noneMatch(b -> b.node.equals("a")));
        Batch onB = again.stream().filter(b -> b.node.equals("b")).findFirst().orElseThrow();
        topology.nodes.remove("b");
        state.nodesLeft(List.of("b"), List.of());
        check();
        for (KeyEntry e : onB.entries) {
            assertEquals(List.of("a", "b"), e.killedNodes);
            assertTrue(e.solo, "after a second death a task runs alone");
        }
        for (Batch b : again) {
            if (b != onB) {
                succeed(b, 1);
            }
        }
        List<Batch> solo = take();
        assertTrue(solo.stream().anyMatch(b -> onB.entries.contains(b.entries.get(0))));
        assertTrue(solo.stream().filter(b -> onB.entries.contains(b.entries.get(0))).allMatch(b -> b.entries.size() == 1),
                "suspects go one per batch: " + solo);
        for (Batch b : solo) {
            succeed(b, 1);
        }
        runAll(1);
        assertTrue(many.stream().allMatch(e -> e.state == KeyEntry.State.MEMORY));
    }

    @Test
    void taskThatKillsNodes_failsAfterAllowedFailures_namingTheNodes() {
        state.allowedFailures(1);
        KeyEntry killer = held(inc("killer", 1));
        List<String> killed = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Batch b = take().get(0);
            killed.add(b.node);
            topology.nodes.remove(b.node);
            state.nodesLeft(List.of(b.node), List.of());
            check();
        }
        assertEquals(KeyEntry.State.ERRED, killer.state);
        KilledWorkerException e = assertInstanceOf(KilledWorkerException.class, killer.error);
        assertEquals(killed, e.nodes());
        assertTrue(e.getMessage().contains("'killer'"), e.getMessage());
        assertTrue(take().isEmpty());
    }

    @Test
    void missingInput_inputComputedAgain_taskRequeued() {
        submit(inc("x", 1));
        KeyEntry y = held(inc("y", Key.of("x")));
        KeyEntry z = held(inc("z", Key.of("y")));
        Batch first = take().get(0);
        Map<Key, Outcome> outcomes = new LinkedHashMap<>();
        for (KeyEntry e : first.entries) {
            if (e != z) {
                outcomes.put(e.key, Outcome.success(e.key, 4, false, null, first.node, "t", 0, 0));
            }
        }
        outcomes.put(z.key, Outcome.missing(z.key, y.key, y.storage, first.node));
        state.batchFinished(first, outcomes);
        check();
        assertEquals(KeyEntry.State.READY, y.state, "the missing input is computed again, not the task's failure");
        assertEquals(KeyEntry.State.WAITING, z.state);
        runAll(3);
        assertEquals(KeyEntry.State.MEMORY, z.state);
    }

    @Test
    void retries_rerunAfterThrow_thenErr() {
        KeyEntry e = state.addTask(inc("flaky", 1), 1);
        state.hold(e);
        for (int i = 0; i < 2; i++) {
            Batch b = take().get(0);
            state.batchFinished(b, Map.of(e.key, Outcome.failure(e.key, new IllegalStateException("no " + i), b.node,
                    "t", 0, 0)));
            check();
        }
        assertEquals(KeyEntry.State.ERRED, e.state);
        assertEquals("no 1", e.error.getMessage());
    }

    @Test
    void retry_runsErredTaskAndItsErredInputAgain() {
        KeyEntry x = held(inc("x", 1));
        KeyEntry y = held(inc("y", Key.of("x")));
        Batch b = take().get(0);
        IllegalStateException boom = new IllegalStateException("boom");
        state.batchFinished(b, Map.of(x.key, Outcome.failure(x.key, boom, b.node, "t", 0, 0)));
        check();
        assertEquals(KeyEntry.State.ERRED, y.state);
        assertSame(boom, y.error);
        assertTrue(state.retry(y));
        check();
        assertEquals(KeyEntry.State.READY, x.state);
        assertEquals(KeyEntry.State.WAITING, y.state);
        runAll(2);
        assertEquals(KeyEntry.State.MEMORY, y.state);
        assertNull(y.error);
    }

    @Test
    void cancelRunning_ordersAStop_andADetachedBatchSendsTheRestElsewhere() {
        topology.nodes.retainAll(List.of("a"));
        KeyEntry done = held(inc("done", 2));
        KeyEntry stuck = held(inc("stuck", 1));
        KeyEntry queued = held(inc("queued", 3));
        for (int i = 0; i < 3; i++) {
            held(inc("other" + i, i));
        }
        List<Batch> sent = take();
        Batch b = sent.get(0);
        assertEquals(List.of(done, stuck, queued), b.entries);
        assertEquals(2, state.inFlight("a"));
        assertTrue(state.cancel(stuck));
        List<ClientState.CancelOrder> orders = state.drainCancels();
        assertEquals(1, orders.size());
        assertSame(b, orders.get(0).batch());
        assertEquals(List.of(stuck.key), orders.get(0).keys());
        state.batchDetached(b, CancelReport.detached(List.of(Outcome.success(done.key, 4, true, 2, "a", "t", 0, 0)),
                List.of(queued.key)));
        check();
        assertEquals(KeyEntry.State.CANCELLED, stuck.state);
        assertEquals(KeyEntry.State.MEMORY, done.state);
        assertEquals(KeyEntry.State.READY, queued.state);
        assertEquals(1, state.inFlight("a"), "the node's slot is free again");
    }

    @Test
    void clusterGone_unfinishedCancelled_valuesOnlyOnTheClusterLost_inlineKept() {
        KeyEntry small = held(inc("small", 1));
        Batch b = take().get(0);
        state.batchFinished(b, Map.of(small.key, Outcome.success(small.key, 4, true, 2, b.node, "t", 0, 0)));
        KeyEntry big = held(inc("big", 2));
        Batch b2 = take().get(0);
        state.batchFinished(b2, Map.of(big.key, Outcome.success(big.key, 1 << 20, false, null, b2.node, "t", 0, 0)));
        KeyEntry running = held(inc("running", 3));
        KeyEntry waiting = held(inc("waiting", Key.of("running")));
        take();
        ClusterUnavailableException gone = new ClusterUnavailableException("the cluster went away", null);
        state.clusterGone(gone);
        check();
        assertEquals("cancelled", running.status());
        assertEquals("cancelled", waiting.status());
        assertSame(gone, running.error);
        assertEquals("lost", big.status());
        assertEquals("finished", small.status(), "a value the client holds itself is still there");
        assertEquals(Set.of(), Set.copyOf(state.processing().keySet()));
    }

    @Test
    void releasedWhileRunning_stopOrdered_thenDropped_orRunAgainIfNeededAgain() {
        KeyEntry gone = held(inc("gone", 1));
        KeyEntry back = held(inc("back", 2));
        topology.nodes.retainAll(List.of("a"));
        List<Batch> sent = take();
        state.release(gone);
        state.release(back);
        check();
        List<ClientState.CancelOrder> orders = state.drainCancels();
        assertEquals(2, orders.size(), "a stop order per batch: " + orders);
        state.hold(back);
        check();
        for (Batch b : sent) {
            Map<Key, Outcome> outcomes = new HashMap<>();
            for (KeyEntry e : b.entries) {
                outcomes.put(e.key, Outcome.failure(e.key, new InterruptedException("stopped"), "a", "t", 0, 0));
            }
            state.batchFinished(b, outcomes);
            check();
        }
        assertNull(state.get(gone.key), "nobody wanted it: forgotten, not erred");
        assertEquals(KeyEntry.State.READY, back.state, "needed again after the stop: it runs again");
    }

    private KeyEntry heldWith(Task task, TaskOptions options) {
        KeyEntry e = state.addTask(task, options);
        state.hold(e);
        check();
        return e;
    }

    @Test
    void priority_higherFirst_tiesInSubmissionOrder_acrossFreeAndPreferredQueues() {
        topology.nodes.retainAll(List.of("a"));
        List<KeyEntry> order = new ArrayList<>();
        KeyEntry l1 = heldWith(inc("l1", 1), new TaskOptions(0, -1, null, false, null));
        KeyEntry n1 = heldWith(inc("n1", 1), TaskOptions.DEFAULT);
        KeyEntry h1 = heldWith(inc("h1", 1), new TaskOptions(0, 5, null, false, null));
        KeyEntry n2 = heldWith(inc("n2", 2), TaskOptions.DEFAULT);
        KeyEntry h2 = heldWith(inc("h2", 2), new TaskOptions(0, 5, null, false, null));
        for (Batch b : take()) {
            order.addAll(b.entries);
        }
        assertEquals(List.of(h1, h2, n1, n2, l1), order);
    }

    @Test
    void workers_strictTasksOnlyOnTheirNodes_waitWhileAbsent() {
        KeyEntry onB = heldWith(inc("onB", 1), new TaskOptions(0, 0, Set.of("b"), false, null));
        KeyEntry onZ = heldWith(inc("onZ", 1), new TaskOptions(0, 0, Set.of("z"), false, null));
        KeyEntry prefersZ = heldWith(inc("prefZ", 1), new TaskOptions(0, 0, Set.of("z"), true, null));
        List<Batch> batches = take();
        for (Batch b : batches) {
            if (b.entries.contains(onB)) {
                assertEquals("b", b.node);
            }
        }
        assertEquals(KeyEntry.State.PROCESSING, onB.state);
        assertEquals(KeyEntry.State.READY, onZ.state, "no node z: it waits");
        assertEquals(KeyEntry.State.PROCESSING, prefersZ.state, "a preference for an absent node does not hold it back");
        topology.nodes.add("z");
        List<Batch> later = take();
        assertTrue(later.stream().anyMatch(b -> b.node.equals("z") && b.entries.contains(onZ)), "z joined: it runs there");
        for (Batch b : batches) {
            succeed(b, 1);
        }
        for (Batch b : later) {
            succeed(b, 1);
        }
    }

    @Test
    void resources_oneTaskPerBatch_onlyWhileTheNodeHasThemFree() {
        FakeTopology gpu = new FakeTopology("a", "b") {
            @Override
            public Map<String, Double> resources(String node) {
                return node.equals("b") ? Map.of("GPU", 1.0) : Map.of();
            }

            @Override
            public int slots(String node) {
                return 4;
            }
        };
        state = new ClientState(gpu, k -> k + "#test." + (storages++));
        TaskOptions needsGpu = new TaskOptions(0, 0, null, false, Map.of("GPU", 1.0));
        KeyEntry g1 = heldWith(inc("g1", 1), needsGpu);
        KeyEntry g2 = heldWith(inc("g2", 2), needsGpu);
        List<Batch> first = take();
        assertEquals(1, first.size(), "one GPU: one task at a time: " + first);
        assertEquals("b", first.get(0).node);
        assertEquals(List.of(g1), first.get(0).entries);
        assertEquals(KeyEntry.State.READY, g2.state);
        succeed(first.get(0), 1);
        List<Batch> second = take();
        assertEquals(List.of(g2), second.get(0).entries);
        succeed(second.get(0), 1);
    }
}
