package org.deeprnn.model;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;

import java.util.Locale;

/**
 * Refuses a network whose parameters cannot fit before DL4J allocates them: DL4J would otherwise fill the
 * memory for minutes and end in a native {@code std::bad_alloc}, or succeed and leave nothing for training.
 */
final class MemoryCheck {
    private MemoryCheck() {
    }

    /**
     * The parameters, their gradients and the updater's state, at the data type's width, must fit in what
     * ND4J may allocate (JavaCPP's {@code maxbytes}, by default the JVM's max heap) and in physical memory.
     * Counted in doubles so that no size overflows.
     */
    static void requireFits(ParameterCount count, DataType dataType, IUpdater updater) {
        double h = count.hiddenUnits();
        double blocks = count.cell().weightBlocks();
        double norm = count.layerNorm() ? 2 * h : 0;
        double params = blocks * (count.inputSize() * h + h * h + h + norm)
                + (count.layers() - 1.0) * blocks * (2 * h * h + h + norm)
                + h * count.outputSize() + count.outputSize();
        double copies = 2 + updater.stateSize(1);
        double bytes = params * dataType.width() * copies;
        long maxBytes = Pointer.maxBytes();
        long physical = Pointer.totalPhysicalBytes() > 0 ? Pointer.availablePhysicalBytes() : Long.MAX_VALUE;
        double limit = Math.min(maxBytes > 0 ? maxBytes : Long.MAX_VALUE, physical);
        if (bytes > limit || params > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "A %s network of %d layers with %d hidden units, "
                            + "%d inputs and %d outputs would hold %.3g parameters, %s with their gradients and %s's state "
                            + "(%s, %d bytes each)%s. ND4J may allocate %s here (JavaCPP's maxbytes, set with "
                            + "-Dorg.bytedeco.javacpp.maxbytes) and %s of physical memory is free. Use fewer hiddenUnits or layers",
                    count.cell(), count.layers(), count.hiddenUnits(), count.inputSize(), count.outputSize(), params,
                    bytes(bytes), updater.getClass().getSimpleName(), dataType, dataType.width(),
                    params > Integer.MAX_VALUE ? ", more than the 2^31 - 1 values one DL4J parameter array can hold" : "",
                    maxBytes > 0 ? bytes(maxBytes) : "any amount", physical == Long.MAX_VALUE ? "an unknown amount" : bytes(physical)));
        }
    }

    private static String bytes(double b) {
        return b >= 1e9 ? String.format(Locale.ROOT, "%.1f GB", b / 1e9) : String.format(Locale.ROOT, "%.1f MB", b / 1e6);
    }
}
