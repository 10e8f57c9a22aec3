/** WebServerLabStack with webServerSetup=bare: the instance with nothing installed. One synth for the file. */
import { normalizedTemplate } from '../helpers/synth';
import { synthWebServer } from './helpers';

const lab = synthWebServer({ webServerSetup: 'bare' });
const outputs = (lab.json as any).Outputs as Record<string, { Value: unknown }>;

test('matches the snapshot (asset hashes normalised)', () => {
  expect(normalizedTemplate(lab.json)).toMatchSnapshot();
});

test('the bootstrap installs nothing, and the outputs say the site answers once the student has installed Apache', () => {
  expect(lab.userData()).toContain("SETUP='bare'");
  expect(lab.render(outputs.WebServerSetup.Value)).toBe('bare');
  expect((outputs.SiteUrl as any).Description).toContain("once you have installed Apache and published the lab's files: see the guide");
});

test('the same network and security group as lamp: HTTP open for the page the student publishes', () => {
  expect(lab.ingress()).toEqual(['tcp 80-80 from 0.0.0.0/0']);
});
