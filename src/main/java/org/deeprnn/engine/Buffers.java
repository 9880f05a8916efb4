package org.deeprnn.engine;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * The memory behind the fused engine's working arrays, kept from batch to batch. Each layout (one
 * per batch shape) asks for its arrays in the same order; the k-th array is laid out compactly at
 * the start of the k-th buffer, which is only replaced when it is too small. So a smaller last batch
 * reuses the memory of the full batches, and its arrays are exactly those a fresh engine would make.
 */
final class Buffers {
    private final DataType type;
    private final List<DataBuffer> store = new ArrayList<>();
    private int next;
    private int allocations;

    Buffers(DataType type) {
        this.type = type;
    }

    /** Starts a new layout: the next array requested is the first again. */
    void layout() {
        next = 0;
    }

    /** A [rows, cols] column-major array: contents are whatever the previous layouts left there. */
    INDArray columnMajor(long rows, long cols) {
        return take(rows, cols, 'f', new long[]{1, rows});
    }

    /** A [rows, cols] row-major array: contents are whatever the previous layouts left there. */
    INDArray rowMajor(long rows, long cols) {
        return take(rows, cols, 'c', new long[]{cols, 1});
    }

    /** How many buffers have been allocated so far (growing one counts as another). */
    int allocations() {
        return allocations;
    }

    // try: the resource is only the workspace scope the block runs in, never read
    @SuppressWarnings("try")
    private INDArray take(long rows, long cols, char order, long[] stride) {
        long length = rows * cols;
        int k = next++;
        if (k == store.size() || store.get(k).length() < length) {
            DataBuffer grown;
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                grown = Nd4j.createBuffer(type, length, true);
            }
            allocations++;
            if (k == store.size()) {
                store.add(grown);
            } else {
                store.set(k, grown);
            }
        }
        return Nd4j.create(store.get(k), new long[]{rows, cols}, stride, 0, order, type);
    }
}
