/**
 * Argument checks shared by every package (all notebooks): {@link org.deeprnn.check.Require} says in one
 * wording what a number had to be and what it was. It depends on no other package of the project, so
 * any package may use it without a cycle.
 */
package org.deeprnn.check;
