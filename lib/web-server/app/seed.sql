-- The table the PHP page (db.php) reads. The bootstrap runs this in the course_lab database after creating
-- it; add rows with `sudo mysql course_lab` and reload the page.
CREATE TABLE IF NOT EXISTS greetings (
  id INT AUTO_INCREMENT PRIMARY KEY,
  message VARCHAR(200) NOT NULL,
  added_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO greetings (message)
SELECT 'Hello from MariaDB on your EC2 web server.' FROM DUAL
WHERE NOT EXISTS (SELECT 1 FROM greetings);
