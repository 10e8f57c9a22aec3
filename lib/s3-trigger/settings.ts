import { SettingsDefinition, wholeNumberSetting } from '../shared/settings';
import { WIDTH_RANGE } from '../../lambda/thumbnail/limits';

/** The settings only `S3TriggerLabStack` reads (the settings every lab reads are in `lib/shared/settings.ts`). */
export const S3_TRIGGER_SETTINGS = {
  thumbnailWidth: wholeNumberSetting({
    description:
      'Width in pixels of every thumbnail the function writes; the height follows from the aspect ratio of the uploaded image. Redeploy to change it; thumbnails already written stay as they are.',
    defaultValue: 200,
    min: WIDTH_RANGE.min,
    max: WIDTH_RANGE.max,
  }),
} satisfies SettingsDefinition;
