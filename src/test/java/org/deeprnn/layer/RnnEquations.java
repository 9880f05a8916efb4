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
        int batch = x.length, nIn = x[0].length, steps = x[0][0].length, h = rw.length;
        double[][][] out = new double[batch][h][steps];
        for (int n = 0; n < batch; n++) {
            double[] prev = h0 == null ? new double[h] : h0[n].clone();
            for (int t = 0; t < steps; t++) {
                double[] r = new double[h], z = new double[h], next = new double[h];
                for (int j = 0; j < h; j++) {
                    double ar = b[j], az = b[h + j];
                    for (int i = 0; i < nIn; i++) {
                        ar += x[n][i][t] * w[i][j];
                        az += x[n][i][t] * w[i][h + j];
                    }
                    for (int k = 0; k < h; k++) {
                        ar += prev[k] * rw[k][j];
                        az += prev[k] * rw[k][h + j];
                    }
                    r[j] = sigmoid(ar);
                    z[j] = sigmoid(az);
                }
                for (int j = 0; j < h; j++) {
                    double ac = b[2 * h + j];
                    for (int i = 0; i < nIn; i++) {
                        ac += x[n][i][t] * w[i][2 * h + j];
                    }
                    for (int k = 0; k < h; k++) {
                        ac += r[k] * prev[k] * rw[k][2 * h + j];
                    }
                    double c = Math.tanh(ac);
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
