package dev.vitals.quality;

/**
 * A validated, resolved batch: applying it to any accumulator of the same model cannot fail, so a
 * batch that fans out to several windows is checked once and lands everywhere or nowhere.
 */
interface QualityBatch {
}
