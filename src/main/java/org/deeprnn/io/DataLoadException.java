package org.deeprnn.io;

/**
 * The corpus could not be obtained or is not usable text: no network and no mirror, a checksum
 * mismatch, an empty or binary file. Unchecked so that notebook cells (notebook 3, "The data") stay short;
 * the message always says which file or URL is concerned and what to do about it.
 */
public class DataLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public DataLoadException(String message) {
        super(message);
    }

    public DataLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
