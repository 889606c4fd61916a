/**
 * The order a stack is loaded in: `start, start+1, start−1, start+2, start−2, …` over `[0, n)`,
 * so the slices nearest to the one on screen arrive first. `start` is clamped into the stack.
 */
export function centreOutOrder(n: number, start: number): number[] {
  if (n <= 0) return [];
  const s = Math.max(0, Math.min(n - 1, Math.floor(start)));
  const order: number[] = [s];
  for (let d = 1; order.length < n; d++) {
    if (s + d < n) order.push(s + d);
    if (s - d >= 0) order.push(s - d);
  }
  return order;
}
