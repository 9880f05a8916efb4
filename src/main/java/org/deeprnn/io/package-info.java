/**
 * File input and output shared by the other packages: downloads checked against a digest (or read
 * from an offline mirror), writes that replace a file atomically so that no half-written file is left,
 * the project folders, and reading a file as text with a clear error for binary or mis-encoded input. It serves every
 * notebook that reads or writes a file.
 */
package org.deeprnn.io;
