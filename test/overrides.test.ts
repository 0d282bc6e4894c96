// Input overrides from chat and the command line: allowed keys only, typed values, no prototype tricks.

import { applyOverrides, isAllowedKey } from '../core/builds/overrides';
import { InvalidInput } from '../core/errors';

const defaults = {
  trainingInstanceCount: 1,
  trainingInstanceType: 'ml.m5.xlarge',
  roleArn: 'arn:aws:iam::123456789012:role/x',
  hyperparameters: { max_depth: '5' },
};
const allowed = ['hyperparameters.*', 'trainingInstanceCount', 'trainingInstanceType'];

test('applies allowed overrides without touching the defaults', () => {
  const input = applyOverrides(
    defaults,
    { 'hyperparameters.max_depth': '7', trainingInstanceCount: '2' },
    allowed,
  );
  expect(input).toEqual({ ...defaults, trainingInstanceCount: 2, hyperparameters: { max_depth: '7' } });
  expect(defaults.hyperparameters.max_depth).toBe('5');
});

test('adds new keys under a wildcard', () => {
  const input = applyOverrides(defaults, { 'hyperparameters.eta': '0.3' }, allowed);
  expect(input.hyperparameters).toEqual({ max_depth: '5', eta: '0.3' });
  expect(isAllowedKey('hyperparameters', allowed)).toBe(false);
});

test.each([
  [{ roleArn: 'arn:aws:iam::999999999999:role/evil' }, /can't be changed/],
  [{ trainingInstanceCount: 'two' }, /must be a number/],
  [{ trainingInstanceCount: '1.5' }, /whole number/],
  [{ 'hyperparameters..x': '1' }, /not a valid input key/],
  [{ 'hyperparameters.x y': '1' }, /not a valid input key/],
])('refuses %j', (overrides, message) => {
  expect(() => applyOverrides(defaults, overrides, allowed)).toThrow(InvalidInput);
  expect(() => applyOverrides(defaults, overrides, allowed)).toThrow(message);
});

test.each([
  'hyperparameters.__proto__.polluted',
  'hyperparameters.constructor.prototype.polluted',
  '__proto__',
])('refuses %s and leaves Object.prototype alone', (key) => {
  const overrides = Object.fromEntries([[key, 'yes']]);
  expect(() => applyOverrides(defaults, overrides, [...allowed, '__proto__'])).toThrow(
    /not a valid input key/,
  );
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
