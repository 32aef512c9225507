'use strict';

/** Latency samples in a growable Float64Array: no allocation per call. */
class Samples {
  constructor(capacity = 1 << 16) {
    this.values = new Float64Array(capacity);
    this.length = 0;
    this.sorted = false;
  }

  add(value) {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
    this.sorted = false;
  }

  /** Nearest-rank quantile, q in [0, 1]; null without samples. */
  quantile(q) {
    if (this.length === 0) return null;
    const view = this.values.subarray(0, this.length);
    if (!this.sorted) {
      view.sort();
      this.sorted = true;
    }
    const rank = Math.min(this.length - 1, Math.max(0, Math.ceil(q * this.length) - 1));
    return view[rank];
  }
}

/** Median of the numbers in `values` (nulls and NaN ignored); null when none. */
function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

module.exports = { Samples, median };
