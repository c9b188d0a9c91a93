export { tf } from './tf.js';
