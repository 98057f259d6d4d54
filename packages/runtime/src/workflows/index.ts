/** Workflows: the client shared by the gateway and the scheduler's engine. */
export { WorkflowClient, type WorkflowClientOptions } from './workflow-client.js';
export { expandReelPreset } from './reel-preset.js';
export { expandAiVideoPreset } from './ai-video-preset.js';
export { expandBookPreset } from './book-preset.js';
export { colourCardPng } from './colour-card.js';
export { stepJobKey, stepsDue } from './workflow-plan.js';
