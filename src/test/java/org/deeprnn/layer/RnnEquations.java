package org.deeprnn.layer;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The recurrent equations written out in plain loops over double arrays, independent of any layer
 * code and of ND4J: the reference the GRU (and the layers it is stacked with) and the residual
 * graphs of the section "Residual connections" are checked against.
 * Sequences are [batch][features][steps], as DL4J's NCW data; weights [inputs][units].
 */
public final class RnnEquations {
    private RnnEquations() {
    }

    public static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    /**
     * The GRU of d2l, blocks in the column order reset, update, candidate:
     * R = s(x Wxr + h Whr + br), Z = s(x Wxz + h Whz + bz), C = tanh(x Wxh + (R*h) Whh + bh),
     * H = Z*h + (1-Z)*C, from H_0 = {@code h0} (zeros when null).
     */
    public static double[][][] gru(double[][][] x, double[][] w, double[][] rw, double[] b, double[][] h0) {
        return gru(x, w, rw, b, null, null, h0);
    }

    /**
     * The GRU above, with layer normalisation when the gains {@code gx} and {@code gh} (3h each) are
     * given: every gate's pre-activation is gx LN(x Wx.) + gh LN(h' Wh.) + b, h' = h for the gates
     * and R*h for the candidate, LN(a) = (a - mean) / sqrt(var + 1e-5) over the gate's h values.
     */
    public static double[][][] gru(double[][][] x, double[][] w, double[][] rw, double[] b, double[] gx, double[] gh,
                                   double[][] h0) {
        int batch = x.length, nIn = x[0].length, steps = x[0][0].length, h = rw.length;
        double[][][] out = new double[batch][h][steps];
        for (int n = 0; n < batch; n++) {
            double[] prev = h0 == null ? new double[h] : h0[n].clone();
            for (int t = 0; t < steps; t++) {
                double[] in = new double[3 * h], rec = new double[3 * h];
                for (int j = 0; j < 3 * h; j++) {
                    for (int i = 0; i < nIn; i++) {
                        in[j] += x[n][i][t] * w[i][j];
                    }
                }
                for (int j = 0; j < 2 * h; j++) {
                    for (int k = 0; k < h; k++) {
                        rec[j] += prev[k] * rw[k][j];
                    }
                }
                double[] pre = gatePreActivations(in, rec, b, gx, gh, 0, 2 * h, h);
                double[] r = new double[h], z = new double[h], next = new double[h];
                for (int j = 0; j < h; j++) {
                    r[j] = sigmoid(pre[j]);
                    z[j] = sigmoid(pre[h + j]);
                }
                for (int j = 0; j < h; j++) {
                    for (int k = 0; k < h; k++) {
                        rec[2 * h + j] += r[k] * prev[k] * rw[k][2 * h + j];
                    }
                }
                double[] cand = gatePreActivations(in, rec, b, gx, gh, 2 * h, 3 * h, h);
                for (int j = 0; j < h; j++) {
                    double c = Math.tanh(cand[2 * h + j]);
                    next[j] = z[j] * prev[j] + (1 - z[j]) * c;
                }
                for (int j = 0; j < h; j++) {
                    out[n][j][t] = next[j];
                }
                prev = next;
            }
        }
        return out;
    }

    /** in + rec + b on columns [from, to), or with gains gx LN(in) + gh LN(rec) + b per h-wide gate block. */
    private static double[] gatePreActivations(double[] in, double[] rec, double[] b, double[] gx, double[] gh,
                                               int from, int to, int h) {
        double[] pre = new double[in.length];
        for (int block = from; block < to; block += h) {
            double[] ni = gx == null ? in : layerNorm(in, block, h), nr = gx == null ? rec : layerNorm(rec, block, h);
            for (int j = block; j < block + h; j++) {
                pre[j] = (gx == null ? ni[j] : gx[j] * ni[j]) + (gh == null ? nr[j] : gh[j] * nr[j]) + b[j];
            }
        }
        return pre;
    }

    /** a with its values [from, from + h) replaced by (a - mean) / sqrt(var + 1e-5) over them (two-pass variance). */
    public static double[] layerNorm(double[] a, int from, int h) {
        double mean = 0, var = 0;
        for (int j = from; j < from + h; j++) {
            mean += a[j] / h;
        }
        for (int j = from; j < from + h; j++) {
            var += (a[j] - mean) * (a[j] - mean) / h;
        }
        double[] out = a.clone();
        for (int j = from; j < from + h; j++) {
            out[j] = (a[j] - mean) / Math.sqrt(var + 1e-5);
        }
        return out;
    }

    /**
     * DL4J's LSTM (no peepholes), blocks in DL4J's column order: candidate (tanh), forget, output,
     * input gate: C = f*C_prev + i*tanh(a), H = o*tanh(C), from zero state.
     */
    public static double[][][] lstm(double[][][] x, double[][] w, double[][] rw, double[] b) {
        int batch = x.length, nIn = x[0].length, steps = x[0][0].length, h = rw.length;
        double[][][] out = new double[batch][h][steps];
        for (int n = 0; n < batch; n++) {
            double[] prev = new double[h], cell = new double[h];
            for (int t = 0; t < steps; t++) {
                double[] pre = new double[4 * h];
                for (int j = 0; j < 4 * h; j++) {
                    double a = b[j];
                    for (int i = 0; i < nIn; i++) {
                        a += x[n][i][t] * w[i][j];
                    }
                    for (int k = 0; k < h; k++) {
                        a += prev[k] * rw[k][j];
                    }
                    pre[j] = a;
                }
                double[] next = new double[h];
                for (int j = 0; j < h; j++) {
                    double candidate = Math.tanh(pre[j]);
                    double forget = sigmoid(pre[h + j]);
                    double output = sigmoid(pre[2 * h + j]);
                    double input = sigmoid(pre[3 * h + j]);
                    cell[j] = forget * cell[j] + input * candidate;
                    next[j] = output * Math.tanh(cell[j]);
                    out[n][j][t] = next[j];
                }
                prev = next;
            }
        }
        return out;
    }

    /** The plain RNN: H = tanh(x Wxh + h Whh + b), from zero state. */
    public static double[][][] simpleRnn(double[][][] x, double[][] w, double[][] rw, double[] b) {
        int batch = x.length, nIn = x[0].length, steps = x[0][0].length, h = rw.length;
        double[][][] out = new double[batch][h][steps];
        for (int n = 0; n < batch; n++) {
            double[] prev = new double[h];
            for (int t = 0; t < steps; t++) {
                double[] next = new double[h];
                for (int j = 0; j < h; j++) {
                    double a = b[j];
                    for (int i = 0; i < nIn; i++) {
                        a += x[n][i][t] * w[i][j];
                    }
                    for (int k = 0; k < h; k++) {
                        a += prev[k] * rw[k][j];
                    }
                    next[j] = Math.tanh(a);
                    out[n][j][t] = next[j];
                }
                prev = next;
            }
        }
        return out;
    }

    /** Softmax over the outputs O = H Whq + bq at every step. */
    public static double[][][] softmaxOutput(double[][][] hIn, double[][] w, double[] b) {
        int batch = hIn.length, nIn = hIn[0].length, steps = hIn[0][0].length, q = b.length;
        double[][][] out = new double[batch][q][steps];
        for (int n = 0; n < batch; n++) {
            for (int t = 0; t < steps; t++) {
                double[] o = new double[q];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < q; j++) {
                    o[j] = b[j];
                    for (int i = 0; i < nIn; i++) {
                        o[j] += hIn[n][i][t] * w[i][j];
                    }
                    max = Math.max(max, o[j]);
                }
                double sum = 0;
                for (int j = 0; j < q; j++) {
                    o[j] = Math.exp(o[j] - max);
                    sum += o[j];
                }
                for (int j = 0; j < q; j++) {
                    out[n][j][t] = o[j] / sum;
                }
            }
        }
        return out;
    }

    public static double[][][] toArray3(INDArray a) {
        long[] s = a.shape();
        double[][][] out = new double[(int) s[0]][(int) s[1]][(int) s[2]];
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int k = 0; k < s[2]; k++) {
                    out[i][j][k] = a.getDouble(i, j, k);
                }
            }
        }
        return out;
    }

    public static double[][] toArray2(INDArray a) {
        long[] s = a.shape();
        double[][] out = new double[(int) s[0]][(int) s[1]];
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                out[i][j] = a.getDouble(i, j);
            }
        }
        return out;
    }

    public static double[] toArray1(INDArray a) {
        double[] out = new double[(int) a.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getDouble(i);
        }
        return out;
    }

    /** Largest absolute element-wise difference. */
    public static double maxAbsDiff(double[][][] a, INDArray b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                for (int k = 0; k < a[0][0].length; k++) {
                    max = Math.max(max, Math.abs(a[i][j][k] - b.getDouble(i, j, k)));
                }
            }
        }
        return max;
    }
}
