package io.kindling.graph;

import java.util.Arrays;

/** A growable list of ints, for graph-sized work lists without boxing. */
final class IntList {
    private int[] items;
    private int size;

    IntList(int capacity) {
        items = new int[Math.max(4, capacity)];
    }

    void add(int value) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size + (size >> 1) + 4);
        }
        items[size++] = value;
    }

    int pop() {
        return items[--size];
    }

    int get(int index) {
        return items[index];
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(items, size);
    }
}
