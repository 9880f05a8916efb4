/** Checks that the library's documentation agrees with the notebooks it points at. */
package org.deeprnn.docs;
