export * from './tree.js';
export * from './geometry.js';
export * from './navigate.js';
