/**
 * A backward pass that frees memory as it goes. tfjs' `Engine.gradients` keeps every intermediate
 * gradient and every tensor saved for the backward pass until the whole pass ends, so a training
 * step peaked at forward activations plus all activation gradients. This version (same algorithm,
 * same results) disposes each tensor's gradient once the op that produced the tensor has consumed
 * it, and each op's saved tensors once its gradient has run — as PyTorch's autograd does. Nested
 * (higher-order) gradients, which need the tape afterwards, keep tfjs' behaviour.
 */
import { tf } from '../tf.js';

/** The parts of tfjs' tape node and engine state this uses (not in tfjs' public typings). */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: Array<tf.Tensor | null>) => Record<string, () => tf.Tensor>;
}
interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(name: string | (() => T), f?: () => T): T;
  gradients: (f: () => tf.Tensor, xs: tf.Tensor[], dy?: tf.Tensor, allowNoGradients?: boolean) => { value: tf.Tensor; grads: tf.Tensor[] };
  releasingBackprop?: boolean;
}

/** The nodes on a path from some x to y, with inputs not depending on x pruned (as tfjs does). */
export function nodesFromXToY(tape: readonly TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((input) => fromX.has(input.id))) {
      node.outputs.forEach((o) => fromX.add(o.id));
      nodesFromX.add(node.id);
    }
  }
  const leadToY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (node.outputs.some((o) => leadToY.has(o.id))) {
      for (const input of Object.values(node.inputs)) leadToY.add(input.id);
      nodesToY.add(node.id);
    }
  }
  return tape
    .filter((node) => nodesFromX.has(node.id) && nodesToY.has(node.id))
    .map((node) => ({
      ...node,
      inputs: Object.fromEntries(Object.entries(node.inputs).filter(([, input]) => fromX.has(input.id))),
    }));
}

function releasingGradients(
  this: EngineInternals,
  f: () => tf.Tensor,
  xs: tf.Tensor[],
  dy?: tf.Tensor,
  allowNoGradients = false,
): { value: tf.Tensor; grads: tf.Tensor[] } {
  tf.util.assert(xs.length > 0, () => 'gradients() received an empty list of xs.');
  if (dy != null && dy.dtype !== 'float32') throw new Error(`dy must have 'float32' dtype, but has '${dy.dtype}'`);
  const y = this.scopedRun(
    () => this.startTape(),
    () => this.endTape(),
    () => this.tidy('forward', f),
  );
  tf.util.assert(y instanceof tf.Tensor, () => 'The result y returned by f() must be a tensor.');
  const tape = this.state.activeTape!;
  const filtered = nodesFromXToY(tape, xs, y);
  if (!allowNoGradients && filtered.length === 0 && xs.length > 0) {
    throw new Error(
      'Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed encloses all operations that lead from x to y.',
    );
  }
  // Only the outermost gradient may release: a nested one's tape is still needed afterwards.
  const release = this.state.gradientDepth === 0;
  return this.tidy('backward', () => {
    const grads = new Map<number, tf.Tensor>();
    grads.set(y.id, dy ?? tf.ones(y.shape));
    const keep = new Set([y.id, ...xs.map((x) => x.id)]);
    /** How many map entries hold each gradient tensor (a gradient function may pass dy through). */
    const holders = new Map<tf.Tensor, number>();
    const hold = (t: tf.Tensor) => holders.set(t, (holders.get(t) ?? 0) + 1);
    const drop = (t: tf.Tensor) => {
      const n = (holders.get(t) ?? 1) - 1;
      if (n > 0) holders.set(t, n);
      else {
        holders.delete(t);
        if (t !== dy) t.dispose();
      }
    };
    hold(grads.get(y.id)!);
    for (let i = filtered.length - 1; i >= 0; i--) {
      const node = filtered[i]!;
      const dys = node.outputs.map((o) => grads.get(o.id) ?? null);
      if (node.gradient == null) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
      const inputGradients = node.gradient(dys);
      for (const [name, x] of Object.entries(node.inputs)) {
        if (!(name in inputGradients)) {
          throw new Error(`Cannot backprop through input ${name}. Available gradients found: ${Object.keys(inputGradients)}.`);
        }
        const dx = this.tidy(() => inputGradients[name]!());
        if (dx.dtype !== 'float32') {
          throw new Error(
            `Error in gradient for op ${node.kernelName}. The gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'`,
          );
        }
        if (!tf.util.arraysEqual(dx.shape, x.shape)) {
          throw new Error(
            `Error in gradient for op ${node.kernelName}. The gradient of input '${name}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`,
          );
        }
        const current = grads.get(x.id);
        if (current == null) {
          grads.set(x.id, dx);
          hold(dx);
        } else {
          const sum = tf.add(current, dx);
          grads.set(x.id, sum);
          hold(sum);
          drop(current);
          if (release && !holders.has(dx) && dx !== dy) dx.dispose();
        }
      }
      if (!release) continue;
      // Every consumer of this node's outputs came later on the tape, so their gradients are complete
      // and used: free them, and what this node saved for its backward pass.
      for (const o of node.outputs) {
        const g = grads.get(o.id);
        if (g && !keep.has(o.id)) {
          grads.delete(o.id);
          drop(g);
        }
      }
      for (const t of node.saved ?? []) t.dispose();
    }
    const result = xs.map((x) => grads.get(x.id)!);
    if (release) {
      for (const node of tape) for (const t of node.saved ?? []) t.dispose();
      this.state.activeTape = null;
    }
    return { value: y, grads: result };
  });
}

/** Replaces the engine's `gradients` with {@link releasingGradients} (once; affects every backend). */
export function installReleasingBackprop(): void {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.releasingBackprop) return;
  engine.gradients = releasingGradients;
  engine.releasingBackprop = true;
}
